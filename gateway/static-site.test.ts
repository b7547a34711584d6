import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import test from 'ava';
import { guardApp } from './http/guard';
import { mountStaticSite } from './http/staticSite';
import { loadNativeUws } from './native';

// A built site (as Vite writes one) mounted at /console on a bare uWS app, with a secret beside it.
const root = mkdtempSync(path.join(tmpdir(), 'static-site-'));
const dist = path.join(root, 'dist');
mkdirSync(path.join(dist, 'assets'), { recursive: true });
const INDEX = '<!doctype html><title>console</title><script type="module" src="/console/assets/index-AbC123xy.js"></script>';
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(2000))});`;
writeFileSync(path.join(dist, 'index.html'), INDEX);
writeFileSync(path.join(dist, 'assets', 'index-AbC123xy.js'), SCRIPT);
writeFileSync(path.join(dist, 'assets', 'index-Zz9Yy8Xx.css'), 'body{color:red}');
writeFileSync(path.join(dist, 'robots.txt'), 'User-agent: *');
writeFileSync(path.join(root, 'secret.txt'), 'the secret');

let base = '';
let port = 0;
let close = () => undefined as void;
test.before(async () => {
  const uws = loadNativeUws();
  const app = guardApp(uws.App(), () => undefined);
  mountStaticSite(app, { prefix: '/console', dir: dist, spa: true });
  app.any('/*', (res) => void res.writeStatus('404 Not Found').end('api 404'));
  port = await new Promise<number>((resolve, reject) => app.listen('127.0.0.1', 0, (socket) => (socket ? resolve(uws.us_socket_local_port(socket)) : reject(new Error('listen failed')))));
  base = `http://127.0.0.1:${port}`;
  close = () => (app as unknown as { close(): void }).close();
});
test.after.always(() => {
  close();
  rmSync(root, { recursive: true, force: true });
});

/** A request line sent as typed (fetch would normalise `..` away before sending). */
function raw(target: string, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`GET ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`));
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString()));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

test('index.html and hashed assets with their types; hashed files cached for a year, index revalidated; gzip when asked', async (t) => {
  const index = await fetch(`${base}/console/`);
  t.is(index.status, 200);
  t.is(index.headers.get('content-type'), 'text/html; charset=utf-8');
  t.is(index.headers.get('cache-control'), 'no-cache');
  t.is(await index.text(), INDEX);
  const script = await fetch(`${base}/console/assets/index-AbC123xy.js`);
  t.is(script.headers.get('content-type'), 'text/javascript; charset=utf-8');
  t.is(script.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  t.is(script.headers.get('x-content-type-options'), 'nosniff');
  t.is(await script.text(), SCRIPT, 'fetch undoes the gzip it asked for');
  t.is((await fetch(`${base}/console/assets/index-Zz9Yy8Xx.css`)).headers.get('content-type'), 'text/css; charset=utf-8');
  t.is((await fetch(`${base}/console/robots.txt`)).headers.get('cache-control'), 'no-cache', 'an unhashed name is revalidated');

  const zipped = await raw('/console/assets/index-AbC123xy.js');
  t.notRegex(zipped, /content-encoding: gzip/i, 'no gzip unless asked');
  const asked = await new Promise<Buffer>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write('GET /console/assets/index-AbC123xy.js HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip, br\r\nConnection: close\r\n\r\n'));
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('end', () => resolve(Buffer.concat(chunks)));
    socket.on('error', reject);
  });
  const split = asked.indexOf('\r\n\r\n');
  t.regex(asked.subarray(0, split).toString(), /content-encoding: gzip/i);
  t.is(gunzipSync(asked.subarray(split + 4)).toString(), SCRIPT);

  const etag = script.headers.get('etag') ?? '';
  t.is((await fetch(`${base}/console/assets/index-AbC123xy.js`, { headers: { 'if-none-match': etag } })).status, 304);
});

test("the site's CSP allows its own origin and socket only; /console redirects to /console/", async (t) => {
  const csp = (await fetch(`${base}/console/`)).headers.get('content-security-policy') ?? '';
  t.regex(csp, /default-src 'none'/);
  t.regex(csp, /script-src 'self'(;|$)/);
  t.regex(csp, /style-src 'self'(;|$)/);
  t.regex(csp, new RegExp(`connect-src 'self' ws://127\\.0\\.0\\.1:${port} wss://127\\.0\\.0\\.1:${port}(;|$)`));
  t.regex(csp, /frame-ancestors 'none'/);
  t.notRegex(csp, /https?:\/\/|\*|unsafe-eval/, 'nothing from other hosts, no eval');
  t.notRegex((await raw('/console/')).split('\r\n').find((l) => /^content-security-policy/i.test(l)) ?? '', /script-src[^;]*unsafe-inline/);
  const bare = await fetch(`${base}/console`, { redirect: 'manual' });
  t.is(bare.status, 301);
  t.is(bare.headers.get('location'), '/console/');
  // A Host header that is not a host is left out of the policy, never echoed.
  const forged = await raw('/console/', "x; script-src * 'unsafe-inline'");
  t.regex(forged, /connect-src 'self';/);
  t.notRegex(forged, /script-src \*/);
});

test('app routes get index.html; missing files, traversal and encoded slashes get 404 and never a file outside the site', async (t) => {
  const route = await fetch(`${base}/console/dojos/123`);
  t.is(route.status, 200);
  t.is(await route.text(), INDEX);
  t.is((await fetch(`${base}/console/assets/missing-AbC123xy.js`)).status, 404);
  for (const target of [
    '/console/../secret.txt',
    '/console/%2e%2e/secret.txt',
    '/console/assets/..%2f..%2fsecret.txt',
    '/console/..%5csecret.txt',
    '/console//../../secret.txt',
    '/console/%2e%2e%2fsecret.txt',
  ]) {
    const answer = await raw(target);
    t.false(answer.includes('the secret'), target);
  }
  t.is(await (await fetch(`${base}/consolex`)).text(), 'api 404', 'a neighbouring path is not the site');
});
