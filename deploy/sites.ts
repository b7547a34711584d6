import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { LoggerInstance } from 'moleculer';
import type { StaticSite } from '../gateway/http/staticSite';

const CONSOLE = path.join(__dirname, '..', 'clients', 'console');

/**
 * The web apps the gateway serves beside the API: the facilitator's console at /console/ (built by
 * `npm ci`'s postinstall; built here on the first start when dist/ is missing, e.g. after a
 * `git clean`). A node whose console cannot be built (no Vite: `npm ci --omit=dev`) starts
 * without it and says so. More sites (the docs page) are one more entry.
 */
export async function webSites(logger: LoggerInstance): Promise<StaticSite[]> {
  const sites: StaticSite[] = [];
  const consoleDist = path.join(CONSOLE, 'dist');
  if (!existsSync(path.join(consoleDist, 'index.html'))) {
    logger.info('console: clients/console/dist is missing, building it (once)');
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [path.join(CONSOLE, 'build.mjs'), '--if-missing'], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
      child.on('error', () => resolve(null));
      child.on('exit', (status) => {
        if (status !== 0) logger.warn({ stderr }, 'console: build failed');
        resolve(status);
      });
    });
    if (code !== 0) logger.warn('console: not built, /console/ is not served');
  }
  if (existsSync(path.join(consoleDist, 'index.html'))) sites.push({ prefix: '/console', dir: consoleDist, spa: true });
  else logger.warn('console: clients/console/dist has no index.html (Vite not installed?): /console/ is not served');
  return sites;
}
