import { ConfigError, loadConfig } from '../config';
import { quietDependencyWarnings } from '../config/runtime';
import { startNode } from './node';
import { reportMemorySettings } from './memory';
import { installProcessGuards } from './processGuards';

/** `npm start`: one node with the services SERVICES names (all of them by default). */
async function main(): Promise<void> {
  quietDependencyWarnings();
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const node = await startNode(config);
  const logger = node.broker.getLogger('node');
  installProcessGuards(logger, () => node.stop());
  logger.info({ services: config.services, port: node.port, opsPort: node.opsPort, node: config.nodeId }, 'pocdojo node ready');
  reportMemorySettings(config, logger);
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    node.stop().then(
      () => process.exit(0),
      (error) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: Error) => {
  process.stderr.write(`pocdojo failed to start: ${error.message}\n`);
  process.exit(1);
});
