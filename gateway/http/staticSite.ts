import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import type { HttpRequest, HttpResponse, TemplatedApp } from 'uWebSockets.js';
import { statusLine } from './respond';

/** A built web app (the console, the docs page) served under a URL prefix of the gateway. */
export interface StaticSite {
  /** `/console`: the site answers `/console`, `/console/` and everything below. */
  prefix: string;
  /** The built directory (Vite's `dist`): read once at mount, never again. */
  dir: string;
  /** Answer unknown paths without an extension with index.html (a single-page app's own routes). */
  spa?: boolean;
  /** Extra `connect-src` sources (a WebSocket or API on another origin); the page's own origin is always allowed. */
  connectSrc?: readonly string[];
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
  '.webm': 'video/webm',
  '.mp4': 'video/mp4',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.map', '.svg', '.txt', '.wasm']);
/** Vite names built assets `name-<8+ chars of hash>.ext`: their content never changes under that name. */
const HASHED = /-[\w-]{8,}\.\w+$/;
/** A Host header we put into a header of our own: a name or address and a port, nothing else. */
const HOST = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

interface Asset {
  type: string;
  body: Buffer;
  gzip: Buffer | undefined;
  cache: string;
  etag: string;
}

/**
 * The site's policy: everything from its own origin only; no inline script, no eval, no frames,
 * nothing from another host. Media (camera tiles, recordings) may be blob: URLs made by the page.
 * CSS comes from built files; the editor styles itself with constructed style sheets (see
 * clients/console Editor.tsx), so no `<style>` element is needed.
 */
function policy(site: StaticSite, host: string | undefined): string {
  const connect = ["'self'", ...(host && HOST.test(host) ? [`ws://${host}`, `wss://${host}`] : []), ...(site.connectSrc ?? [])];
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    // Style attributes only (never <style> or a style sheet from elsewhere): the editor colours
    // each person's remote cursor with one (y-codemirror.next). They cannot run script, and any
    // url() in them is still held to img-src.
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "font-src 'self'",
    `connect-src ${connect.join(' ')}`,
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Every file below `dir` by its URL path (`/assets/x.js`), read into memory now. */
function readSite(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const walk = (folder: string) => {
    for (const name of readdirSync(folder)) {
      const full = path.join(folder, name);
      if (statSync(full).isDirectory()) {
        walk(full);
        continue;
      }
      const ext = path.extname(name).toLowerCase();
      const body = readFileSync(full);
      const url = '/' + path.relative(dir, full).split(path.sep).join('/');
      assets.set(url, {
        type: TYPES[ext] ?? 'application/octet-stream',
        body,
        gzip: COMPRESSIBLE.has(ext) && body.length > 512 ? gzipSync(body, { level: 9 }) : undefined,
        // index.html names the current hashed files, so it is asked for again each time.
        cache: HASHED.test(name) ? 'public, max-age=31536000, immutable' : 'no-cache',
        etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 16)}"`,
      });
    }
  };
  walk(dir);
  return assets;
}

/**
 * Mounts a built directory at `site.prefix`. Only the files present at mount are served (the
 * set is a map from URL path to bytes: no path from a request ever reaches the file system, so
 * `..` or an encoded slash finds nothing). Hashed assets are cached for a year; index.html is
 * revalidated. Responses carry the site's own CSP (the API's is `default-src 'none'`).
 */
export function mountStaticSite(app: TemplatedApp, site: StaticSite): void {
  const assets = readSite(site.dir);
  const index = assets.get('/index.html');
  const prefix = site.prefix.replace(/\/+$/, '');
  const serve = (res: HttpResponse, req: HttpRequest) => {
    const url = req.getUrl();
    const head = req.getMethod() === 'head';
    const host = req.getHeader('host');
    const gzipOk = /\bgzip\b/.test(req.getHeader('accept-encoding'));
    const etagAsked = req.getHeader('if-none-match');
    if (url === prefix) {
      // Relative asset URLs resolve against the directory: /console must become /console/.
      write(res, 301, undefined, { Location: `${prefix}/`, 'Cache-Control': 'no-cache' }, head);
      return;
    }
    const rest = url.slice(prefix.length) || '/';
    let asset = assets.get(rest === '/' ? '/index.html' : rest);
    // A route of the app (/console/dojos/1) gets index.html; a missing file (/console/x.js) a 404.
    if (!asset && site.spa && !/\.\w+$/.test(rest)) asset = index;
    if (!asset) {
      write(
        res,
        404,
        { type: 'text/plain; charset=utf-8', body: Buffer.from('Not found'), gzip: undefined, cache: 'no-cache', etag: '' },
        { 'Content-Security-Policy': policy(site, undefined) },
        head,
      );
      return;
    }
    const headers: Record<string, string> = { 'Cache-Control': asset.cache, ETag: asset.etag, 'Content-Security-Policy': policy(site, host || undefined), Vary: 'Accept-Encoding' };
    if (etagAsked === asset.etag) {
      write(res, 304, undefined, headers, true);
      return;
    }
    write(res, 200, asset, headers, head, gzipOk);
  };
  app.get(prefix, serve);
  app.get(`${prefix}/*`, serve);
  app.head(prefix, serve);
  app.head(`${prefix}/*`, serve);
}

function write(res: HttpResponse, status: number, asset: Asset | undefined, headers: Record<string, string>, head: boolean, gzipOk = false): void {
  const body = asset ? (gzipOk && asset.gzip ? asset.gzip : asset.body) : undefined;
  res.cork(() => {
    res.writeStatus(statusLine(status));
    if (asset) res.writeHeader('Content-Type', asset.type);
    if (asset && gzipOk && asset.gzip) res.writeHeader('Content-Encoding', 'gzip');
    res.writeHeader('X-Content-Type-Options', 'nosniff');
    res.writeHeader('Referrer-Policy', 'same-origin');
    for (const [name, value] of Object.entries(headers)) res.writeHeader(name, value);
    if (head || !body) {
      if (body) res.endWithoutBody(body.length);
      else res.end();
    } else {
      res.end(body);
    }
  });
}
