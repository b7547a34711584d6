'use strict';
// Runs inside the sandbox, never on the node: compiles the room's TypeScript with esbuild (a
// static binary bound read-only at /opt/pocdojo/esbuild), then runs the result under node with
// source maps, so errors name lines of the .ts files. Compiling in here keeps the parser of
// untrusted text out of the node's own process.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const files = process.argv.slice(2);
const outdir = '/work/.build';
const build = spawnSync('/opt/pocdojo/esbuild', [...files, `--outdir=${outdir}`, '--format=cjs', '--platform=node', '--target=node20', '--sourcemap=inline', '--log-level=error', '--color=false'], {
  stdio: ['ignore', 'inherit', 'inherit'],
  env: {},
});
if (build.status !== 0) process.exit(build.status === null ? 1 : build.status);
require(path.join(outdir, path.basename(files[files.length - 1]).replace(/\.ts$/, '.js')));
