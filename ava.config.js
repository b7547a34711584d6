// TypeScript tests run through tsx's loader; no build step.
module.exports = {
  files: ['{actors,gateway,media,jobs,config,deploy,infra,protocol,test,tools}/**/*.test.ts'],
  extensions: { ts: 'commonjs' },
  nodeArguments: ['--import=tsx'],
  timeout: '120s',
  // Integration tests share real services; two at a time fits a 2-core machine.
  concurrency: 2,
  workerThreads: false,
  // The AWS SDK's notice that releases after January 2027 need Node 22 (DESIGN §2 pins Node 20).
  environmentVariables: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
};
