import { spawn } from 'node:child_process';
import path from 'node:path';
import test from 'ava';
import WebSocket from 'ws';
import { guardApp } from './http/guard';
import { loadNativeUws } from './native';

// A bare uWS app mounted through the guard, with handlers that throw the ways a bug would.
test('an exception in any uWS callback is answered 500 with the bare body and logged, and the server keeps serving', async (t) => {
  const uws = loadNativeUws();
  const errors: Array<{ error: unknown; where: string }> = [];
  const app = guardApp(uws.App(), (error, where) => errors.push({ error, where }));
  app.get('/sync', () => {
    throw new URIError('URI malformed');
  });
  app.get('/async', async (res) => {
    res.onAborted(() => undefined);
    await new Promise((r) => setTimeout(r, 5));
    throw new Error('secret detail');
  });
  app.get('/fine', (res) => {
    res.end('fine');
  });
  app.ws('/ws', {
    message: () => {
      throw new Error('bad message handler');
    },
  });
  app.ws('/ws-upgrade', {
    upgrade: () => {
      throw new Error('bad upgrade handler');
    },
  });
  const port = await new Promise<number>((resolve, reject) => app.listen('127.0.0.1', 0, (socket) => (socket ? resolve(uws.us_socket_local_port(socket)) : reject(new Error('listen failed')))));
  t.teardown(() => (app as unknown as { close(): void }).close());
  const base = `http://127.0.0.1:${port}`;

  for (const route of ['/sync', '/async']) {
    const res = await fetch(`${base}${route}`);
    t.is(res.status, 500, route);
    const body = await res.text();
    t.deepEqual(JSON.parse(body), { error: { code: 'INTERNAL', message: 'Internal server error' } });
    t.false(body.includes('secret') || body.includes('URI'), 'no internals in the body');
  }
  t.is(await (await fetch(`${base}/fine`)).text(), 'fine');

  // A WebSocket client sees the failed upgrade as an HTTP 500 answer to its handshake.
  const refused = new WebSocket(`ws://127.0.0.1:${port}/ws-upgrade`);
  const status = await new Promise<number | undefined>((resolve) => {
    refused.once('unexpected-response', (_req, res) => resolve(res.statusCode));
    refused.once('open', () => resolve(101));
    refused.once('error', () => resolve(undefined));
  });
  refused.terminate();
  t.is(status, 500);

  const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  socket.send('hello');
  // The socket survives its handler's throw: a second message is still read (and throws again).
  await new Promise((r) => setTimeout(r, 50));
  socket.send('again');
  for (let i = 0; i < 50 && errors.filter((e) => e.where.startsWith('ws message')).length < 2; i++) await new Promise((r) => setTimeout(r, 20));
  socket.close();
  t.is(errors.filter((e) => e.where.startsWith('ws message')).length, 2);
  t.deepEqual([...new Set(errors.map((e) => e.where.split(' ').slice(0, 2).join(' ')))].sort(), ['GET /async', 'GET /sync', 'ws message', 'ws upgrade']);
  t.is(await (await fetch(`${base}/fine`)).text(), 'fine', 'still serving');
});

// The process guards in a child process, as deploy/start.ts installs them.
test('a stray rejection is logged and the process goes on; an uncaught exception stops it cleanly with exit code 1', async (t) => {
  const script = `
    const { installProcessGuards } = require(${JSON.stringify(path.join(__dirname, '../deploy/processGuards.ts'))});
    const line = (level) => (obj, msg) => console.log(level + ' ' + msg);
    const logger = { error: line('error'), fatal: line('fatal') };
    installProcessGuards(logger, async () => { await new Promise((r) => setTimeout(r, 20)); console.log('stopped'); });
    Promise.reject(new Error('forgotten'));
    setTimeout(() => { console.log('alive'); throw new Error('boom'); }, 100);
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const lines = out.trim().split('\n');
  t.deepEqual(lines, ['error unhandled promise rejection (the node keeps serving)', 'alive', 'fatal uncaught exception: stopping the node', 'stopped']);
  t.is(code, 1);
});
