import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { build } from 'esbuild';

const HTML = '<!doctype html><html><head><meta charset="utf-8"><title>dojo</title></head><body><script src="/page.js"></script></body></html>';

/** The pages: page.ts writes its own signaling on mediasoup-client; sdkPage.ts is an app on the SDK (clients/sdk and its media module). */
export type PageEntry = 'page.ts' | 'sdkPage.ts';

/**
 * The web app of the browser tests, served from an origin of its own (not the gateway's), as
 * a customer's app is: an HTML page and page/<entry> bundled with its imports (mediasoup-client,
 * the SDK) by esbuild.
 */
export async function servePage(entry: PageEntry = 'page.ts'): Promise<{ url: string; close(): Promise<void> }> {
  const bundle = await build({ entryPoints: [path.join(__dirname, 'page', entry)], bundle: true, format: 'iife', platform: 'browser', target: 'chrome110', write: false, logLevel: 'silent' });
  const script = bundle.outputFiles[0]?.contents ?? new Uint8Array();
  const server: Server = createServer((req, res) => {
    if (req.url === '/page.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html' }).end(HTML);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
