#!/usr/bin/env node
// Root package.json "postinstall": make sure a mediasoup worker binary exists (build it offline
// against Debian libraries, or reuse the cached one). No dependencies: runs during `npm ci`.
//
// Skips when MEDIASOUP_WORKER_BIN names an existing file, or when POCDOJO_SKIP_WORKER_BUILD=1.
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const TAG = '[pocdojo postinstall]';
const script = path.join(__dirname, 'build-worker.sh');

function main() {
  const envBin = process.env.MEDIASOUP_WORKER_BIN;
  if (envBin) {
    if (fs.existsSync(envBin)) {
      console.log(`${TAG} MEDIASOUP_WORKER_BIN=${envBin} exists, not building the mediasoup worker`);
      return 0;
    }
    console.warn(`${TAG} MEDIASOUP_WORKER_BIN=${envBin} does not exist; building the worker anyway`);
  }
  if (process.env.POCDOJO_SKIP_WORKER_BUILD === '1') {
    console.log(`${TAG} POCDOJO_SKIP_WORKER_BUILD=1, not building the mediasoup worker`);
    return 0;
  }
  if (process.platform !== 'linux') {
    console.error(
      `${TAG} the mediasoup worker build (${script}) supports Debian Linux only.\n` +
        `${TAG} Set MEDIASOUP_WORKER_BIN to a worker binary or POCDOJO_SKIP_WORKER_BUILD=1.`,
    );
    return 1;
  }

  console.log(`${TAG} building or reusing the mediasoup worker (first build takes a few minutes)...`);
  const res = spawnSync('bash', [script], { stdio: 'inherit' });
  if (res.error) {
    console.error(`${TAG} could not run ${script}: ${res.error.message}`);
    return 1;
  }
  if (res.status !== 0) {
    const how = res.signal ? `signal ${res.signal}` : `exit code ${res.status}`;
    console.error(
      `${TAG} building the mediasoup worker failed (${how}); see the messages above.\n` +
        `${TAG} Retry with: bash ${script}\n` +
        `${TAG} To install without it: MEDIASOUP_WORKER_BIN=/path/to/mediasoup-worker or POCDOJO_SKIP_WORKER_BUILD=1`,
    );
    return 1;
  }
  return 0;
}

process.exitCode = main();
