import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { tempDataDir } from '../support/dirs';
import { startProcess } from '../support/process';
import { WsClient } from '../support/ws-client';

async function gone(file: string, timeoutMs = 15_000): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    if (!existsSync(file)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/**
 * The node's `pocdojo node ready` log line (LOG_LEVEL=info): where it listens. The node may
 * answer /ready a moment before that line reaches our end of its stdout, so wait for it.
 */
async function readyLine(output: () => string, timeoutMs = 15_000): Promise<{ port: number; opsPort: number }> {
  for (const deadline = Date.now() + timeoutMs; ;) {
    const line = output()
      .split('\n')
      .find((l) => l.includes('pocdojo node ready'));
    if (line) {
      const { port, opsPort } = JSON.parse(line) as { port: number; opsPort: number };
      return { port, opsPort };
    }
    if (Date.now() > deadline) throw new Error(`no ready line in the node's output:\n${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// The `npm start` path on embedded defaults: nothing configured but a port and a data directory.
const embeddedEnv = (dataDir: string) => ({
  DATA_DIR: dataDir,
  DATABASE_URL: undefined,
  REDIS_URL: undefined,
  TRANSPORTER: undefined,
  S3_ENDPOINT: undefined,
  SMTP_URL: undefined,
  JWT_SECRET: undefined,
});

test('npm start serves the operations endpoints and the contract on embedded defaults, and stops cleanly', async (t) => {
  const dataDir = await tempDataDir();
  try {
    // The operations port is the node's own pick (OPS_PORT=0), read from its ready line: a port
    // probed free beforehand can be taken by a parallel test before the node binds it.
    const first = await startProcess({ ...embeddedEnv(dataDir.path), OPS_PORT: '0', LOG_LEVEL: 'info' });
    t.teardown(() => first.stop());
    t.log(`first start ready after ${first.readyAfterMs} ms`);
    const { opsPort } = await readyLine(first.output);
    const ready = (await (await fetch(`${first.url}/ready`)).json()) as { checks: Record<string, string>; features: Record<string, string> };
    t.deepEqual(ready.checks, { broker: 'ok', kv: 'ok', queue: 'ok', database: 'ok', storage: 'ok' });
    // npm ci installed ffmpeg, the fonts and bubblewrap (deploy/install/system-packages.sh): every feature is on.
    t.deepEqual(ready.features, { recording: 'available', video: 'available', 'code-execution': 'available', 'pdf-reports': 'available' });
    t.is((await fetch(`${first.url}/health`)).status, 200);
    // Metrics are on the operations port only (loopback by default), not on the public one.
    t.is((await fetch(`${first.url}/metrics`)).status, 404);
    const ops = `http://127.0.0.1:${opsPort}`;
    t.regex(await (await fetch(`${ops}/metrics`)).text(), /^pocdojo_dojo_rooms_active /m);
    t.is((await fetch(`${ops}/health`)).status, 200);
    t.like(await (await fetch(`${ops}/ready`)).json(), { status: 'ready', checks: { database: 'ok', storage: 'ok' } });
    const openapi = (await (await fetch(`${first.url}/v1/openapi.json`)).json()) as { openapi: string; paths: Record<string, Record<string, { security?: unknown[] }>> };
    t.is(openapi.openapi, '3.1.0');

    const missing = await fetch(`${first.url}/v1/no-such-route`);
    t.is(missing.status, 404);
    t.like(await missing.json(), { error: { code: 'NOT_FOUND' } });

    // Every protected route refuses a call without a token, and a POST with a broken body is 400 or 401, never 500.
    for (const [route, methods] of Object.entries(openapi.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const url = `${first.url}${route.replace(/\{\w+\}/g, '00000000-0000-4000-8000-000000000000')}`;
        if (operation.security === undefined) {
          const res = await fetch(url, { method: method.toUpperCase() });
          t.is(res.status, 401, `${method} ${route} without a token`);
        } else if (method === 'post') {
          const res = await fetch(url, { method: 'POST', body: '{"broken', headers: { 'content-type': 'application/json' } });
          t.is(res.status, 400, `${method} ${route} with malformed JSON`);
          t.like(await res.json(), { error: { code: 'MALFORMED_JSON' } });
        }
      }
    }
    await t.throwsAsync(WsClient.connect(`${first.url.replace('http', 'ws')}/v1/ws`));

    // Malformed percent-encoding in a path parameter once ended the process from inside uWS.
    for (const route of Object.keys(openapi.paths).filter((r) => r.includes('{'))) {
      for (const bad of ['%', '%zz', '%E0%A4%A']) {
        const res = await fetch(`${first.url}${route.replace(/\{\w+\}/, bad)}`);
        t.true(res.status === 400 || res.status === 405, `${route} with ${bad}: ${res.status}`);
        if (res.status === 400) t.is(((await res.json()) as { error: { code: string } }).error.code, 'BAD_REQUEST');
      }
    }
    t.is((await fetch(`${first.url}/health`)).status, 200, 'the node still serves after malformed paths');

    await first.stop();
    // npm itself dies of the signal; the node behind it shuts down on its own and stops PostgreSQL.
    t.true(await gone(path.join(dataDir.path, 'postgres', 'postmaster.pid')), 'embedded PostgreSQL stopped with the node');
    t.notRegex(first.output(), /"level":(50|60)/, 'no error was logged');

    // The second start reuses the data directory (no initdb) and keeps the generated secret.
    const secret = readFileSync(path.join(dataDir.path, 'jwt-secret'), 'utf8');
    const second = await startProcess(embeddedEnv(dataDir.path));
    t.teardown(() => second.stop());
    t.log(`second start ready after ${second.readyAfterMs} ms`);
    t.is(readFileSync(path.join(dataDir.path, 'jwt-secret'), 'utf8'), secret);
    await second.stop();
    t.true(await gone(path.join(dataDir.path, 'postgres', 'postmaster.pid')));
  } finally {
    await dataDir.remove();
  }
});

test('a bad setting stops start-up with a message naming it', async (t) => {
  const dataDir = await tempDataDir();
  try {
    const error = await t.throwsAsync(startProcess({ ...embeddedEnv(dataDir.path), REDIS_URL: 'http://nope', PORT: '0' }, { readyTimeoutMs: 20_000 }));
    t.regex(error?.message ?? '', /Invalid setting REDIS_URL/);
  } finally {
    await dataDir.remove();
  }
});
