import { randomBytes, randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { signAccessToken } from '../../infra/auth/jwt';
import { tempDataDir } from '../../test/support/dirs';
import type { Row } from '../lib/table';
import { startBenchProcess, type BenchProcess } from './spawn';

/**
 * Idle authenticated sockets on one gateway process: resident memory per socket (target
 * <= 3 KB, at 20,000 sockets per process), against the same number of sockets on a bare `ws`
 * server measured in the same run. The count stays under this machine's open-file limit.
 */
export async function run(options: { sockets?: number } = {}): Promise<Row[]> {
  const count = options.sockets ?? 15_000;
  const baseline = await measure('ws library server (baseline)', count, async () => {
    const server = await startBenchProcess<{ port: number }>('bench/dojo/ws-baseline.ts', {});
    return { server, url: `ws://127.0.0.1:${server.info.port}`, token: () => undefined };
  });
  const secret = randomBytes(32).toString('hex');
  const dir = await tempDataDir();
  try {
    const ours = await measure('pocdojo gateway (uWebSockets.js), authenticated sessions', count, async () => {
      const server = await startBenchProcess<{ port: number }>('bench/dojo/server.ts', {
        SERVICES: 'gateway',
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: dir.path,
        JWT_SECRET: secret,
        NAMESPACE: `bench-${randomBytes(3).toString('hex')}`,
      });
      const token = () => signAccessToken({ sub: randomUUID(), tid: randomUUID(), role: 'member', sid: randomUUID() }, secret, 3600);
      return { server, url: `ws://127.0.0.1:${server.info.port}/v1/ws`, token };
    });
    ours['x baseline bytes'] = Number(baseline['bytes/socket']) / Number(ours['bytes/socket']);
    return [baseline, ours];
  } finally {
    await dir.remove();
  }
}

async function measure(name: string, count: number, setup: () => Promise<{ server: BenchProcess<{ port: number }>; url: string; token: () => string | undefined }>): Promise<Row> {
  const { server, url, token } = await setup();
  const sockets: WebSocket[] = [];
  try {
    await settle();
    const before = await server.rss();
    for (let i = 0; i < count; i += 250) {
      sockets.push(...(await Promise.all(Array.from({ length: Math.min(250, count - i) }, () => open(url, token())))));
    }
    await settle();
    const after = await server.rss();
    return { server: name, sockets: count, 'RSS before MB': before / 2 ** 20, 'RSS after MB': after / 2 ** 20, 'bytes/socket': Math.round((after - before) / count) };
  } finally {
    for (const s of sockets) s.terminate();
    await server.stop();
  }
}

function settle(): Promise<void> {
  return new Promise((r) => setTimeout(r, 2_000));
}

function open(url: string, token: string | undefined): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, token ? ['pocdojo.v1', token] : undefined, { perMessageDeflate: false });
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}
