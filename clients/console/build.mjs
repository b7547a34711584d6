// Builds the console into clients/console/dist: run by `npm ci` (package.json postinstall) and by
// the first `npm start` when dist is missing (deploy/sites.ts). Offline: Vite and the sources are
// all local. It builds into a directory of its own and renames it into place, so nodes starting
// side by side never serve a half-written dist. Without Vite (npm ci --omit=dev) it says so and
// exits 0: the node then starts without the console.
import { existsSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, 'dist');
const TAG = '[pocdojo console]';

let vite;
try {
  vite = await import('vite');
} catch {
  console.warn(`${TAG} vite is not installed (npm ci --omit=dev?): the console is not built, /console/ will be absent`);
  process.exit(0);
}
const temp = path.join(here, `dist.${process.pid}.tmp`);
try {
  await vite.build({ configFile: path.join(here, 'vite.config.mts'), root: here, build: { outDir: temp, emptyOutDir: true }, logLevel: 'warn' });
  if (process.argv.includes('--if-missing') && existsSync(path.join(dist, 'index.html'))) {
    rmSync(temp, { recursive: true, force: true });
  } else {
    rmSync(dist, { recursive: true, force: true });
    renameSync(temp, dist);
  }
  console.log(`${TAG} built ${path.relative(process.cwd(), dist) || dist}`);
} catch (error) {
  rmSync(temp, { recursive: true, force: true });
  console.error(`${TAG} build failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
