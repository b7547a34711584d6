import test from 'ava';
import { startTestNode, type TestNode } from '../test/support/node';

// A node without the gateway (a worker) has no public port: its operations port is the only way
// to scrape and probe it.
let worker: TestNode | undefined;

test.before(async () => {
  worker = await startTestNode({ services: ['tenant', 'dojo-room'] });
});

test.after.always(async () => {
  await worker?.stop();
});

test('a node without the gateway serves /metrics, /health and /ready on its operations port', async (t) => {
  const node = worker!;
  t.is(node.url, '', 'no public port');
  const health = await fetch(`${node.opsUrl}/health`);
  t.is(health.status, 200);
  t.like(await health.json(), { status: 'ok' });

  const ready = await fetch(`${node.opsUrl}/ready`);
  t.is(ready.status, 200);
  t.like(await ready.json(), { status: 'ready', checks: { broker: 'ok', kv: 'ok', database: 'ok' } });

  const metrics = await fetch(`${node.opsUrl}/metrics`);
  t.is(metrics.status, 200);
  t.regex(metrics.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const text = await metrics.text();
  // Its actors' series and the process's own.
  t.regex(text, /^pocdojo_dojo_rooms_active 0$/m);
  t.regex(text, /^pocdojo_nodejs_eventloop_lag_seconds /m);

  const unknown = await fetch(`${node.opsUrl}/v1/pocs`);
  t.is(unknown.status, 404);
  t.is((await fetch(`${node.opsUrl}/metrics`, { method: 'POST' })).status, 405);
});
