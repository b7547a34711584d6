import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { HttpResponse, TemplatedApp } from 'uWebSockets.js';

// The API reference at /docs: the OpenAPI document (/v1/openapi.json) at /docs/ and the
// AsyncAPI one (/v1/asyncapi.json) at /docs/ws, both rendered by Redoc (the `redoc` package:
// one maintained renderer for OpenAPI and AsyncAPI 3), served from here with nothing from other
// hosts. These are the gateway's only documents for people, so they get a policy of their own
// instead of the API's `default-src 'none'`: own scripts and styles only, no eval, connections
// back to this origin (the two JSON documents) and nowhere else.
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  // Redoc styles its components at run time (CSS-in-JS inserts <style> elements).
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

interface Asset {
  body: Buffer;
  type: string;
  /** The bundle changes only with the package: a day; the pages follow the server's version. */
  cache: string;
}

function page(specUrl: string, title: string, current: 'rest' | 'ws'): Asset {
  const html = readFileSync(path.join(__dirname, 'docs', 'page.html'), 'utf8')
    .replaceAll('{{specUrl}}', specUrl)
    .replace('{{title}}', title)
    .replace('{{restCurrent}}', current === 'rest' ? 'aria-current="page"' : '')
    .replace('{{wsCurrent}}', current === 'ws' ? 'aria-current="page"' : '');
  return { body: Buffer.from(html), type: 'text/html; charset=utf-8', cache: 'no-cache' };
}

function file(location: string, type: string, cache = 'public, max-age=86400'): Asset {
  return { body: readFileSync(location), type, cache };
}

/** The pages and assets, read once when first asked for (a node that never serves /docs never reads the 2 MB bundle). */
function loadAssets(): Map<string, Asset> {
  const js = 'text/javascript; charset=utf-8';
  return new Map([
    ['/docs/', page('/v1/openapi.json', 'REST', 'rest')],
    ['/docs/ws', page('/v1/asyncapi.json', 'WebSocket', 'ws')],
    ['/docs/docs.js', file(path.join(__dirname, 'docs', 'docs.js'), js, 'no-cache')],
    ['/docs/docs.css', file(path.join(__dirname, 'docs', 'docs.css'), 'text/css; charset=utf-8', 'no-cache')],
    ['/docs/redoc.standalone.js', file(require.resolve('redoc/bundles/redoc.standalone.js'), js)],
  ]);
}

function send(res: HttpResponse, status: string, asset: { body: Buffer | string; type: string; cache: string }, extra: ReadonlyArray<[string, string]> = []): void {
  res.cork(() => {
    res.writeStatus(status);
    res.writeHeader('Content-Type', asset.type);
    res.writeHeader('Content-Security-Policy', CSP);
    res.writeHeader('X-Content-Type-Options', 'nosniff');
    res.writeHeader('Referrer-Policy', 'no-referrer');
    res.writeHeader('Cache-Control', asset.cache);
    for (const [name, value] of extra) res.writeHeader(name, value);
    res.end(asset.body);
  });
}

/** Mounts GET /docs (a redirect to /docs/), /docs/ (REST), /docs/ws (WebSocket) and their assets. */
export function mountDocsSite(app: TemplatedApp): void {
  let assets: Map<string, Asset> | undefined;
  app.get('/docs', (res) => send(res, '302 Found', { body: '', type: 'text/plain; charset=utf-8', cache: 'no-cache' }, [['Location', '/docs/']]));
  app.get('/docs/*', (res, req) => {
    assets ??= loadAssets();
    const asset = assets.get(req.getUrl());
    if (asset) send(res, '200 OK', asset);
    else send(res, '404 Not Found', { body: 'Not found', type: 'text/plain; charset=utf-8', cache: 'no-cache' });
  });
}
