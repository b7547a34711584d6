import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import { authed, createTenant } from '../test/support/accounts';
import { createTestDatabase } from '../test/support/database';
import { startTestNode, type TestNode } from '../test/support/node';

// OpenTelemetry over OTLP/HTTP: a collector stand-in receives what real nodes export when
// OTEL_EXPORTER_OTLP_ENDPOINT is set. The gateway's request id is the trace id, Moleculer calls
// between nodes are parent and child spans of one trace, and sampling keeps every failure.
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  status?: { code?: number };
  attributes?: Array<{ key: string; value: { stringValue?: string } }>;
}
interface Exported {
  node: string;
  span: OtlpSpan;
}

async function collector(): Promise<{ url: string; spans: Exported[]; close(): Promise<void> }> {
  const spans: Exported[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const parsed = JSON.parse(body) as {
          resourceSpans: Array<{ resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> }; scopeSpans: Array<{ spans: OtlpSpan[] }> }>;
        };
        for (const rs of parsed.resourceSpans) {
          const node = rs.resource.attributes.find((a) => a.key === 'service.instance.id')?.value.stringValue ?? '';
          for (const ss of rs.scopeSpans) for (const span of ss.spans) spans.push({ node, span });
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const traceOf = (spans: Exported[], traceId: string) => spans.filter((s) => s.span.traceId === traceId);

test('every call of a request is a span of the trace named by its request id; failures are kept at a 0% sample rate', async (t) => {
  t.timeout(90_000);
  const otlp = await collector();
  t.teardown(() => otlp.close());
  const app = await startTestNode({ services: ['gateway', 'tenant', 'poc'], env: { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, TRACING_SAMPLE_RATE: '0' } });
  let stopped = false;
  t.teardown(() => (stopped ? undefined : app.stop()));
  const tenant = await createTenant(app);
  const token = tenant.admin.token;

  // A failed call (an unknown POC: the actor throws NotFound) is exported though nothing else is.
  const missing = await fetch(`${app.url}/v1/pocs/${randomUUID()}`, { headers: authed(token) });
  t.is(missing.status, 404);
  const failedTrace = missing.headers.get('x-request-id') as string;
  t.regex(failedTrace, /^[0-9a-f]{32}$/, 'the request id is a trace id');
  const ok = await fetch(`${app.url}/v1/pocs`, { headers: authed(token) });
  t.is(ok.status, 200);
  const okTrace = ok.headers.get('x-request-id') as string;
  await app.stop();
  stopped = true;

  const failed = traceOf(otlp.spans, failedTrace);
  t.true(failed.length >= 1, 'the failed request was exported');
  t.true(
    failed.some((s) => s.span.status?.code === 2 && s.span.name.includes('poc.get')),
    'its failing span, with the error status',
  );
  t.deepEqual(traceOf(otlp.spans, okTrace), [], 'a successful request at a 0% sample rate is not');
});

// Two nodes over the real NATS: the gateway's call and the actor's work are one trace, linked.
const ready = Boolean(process.env.TRANSPORTER);
(ready ? test : test.skip)('a call from the gateway node to an actor on another node continues the trace there (real NATS)', async (t) => {
  t.timeout(90_000);
  const otlp = await collector();
  t.teardown(() => otlp.close());
  const db = await createTestDatabase();
  t.teardown(() => db.drop());
  const namespace = `otel-${randomUUID().slice(0, 8)}`;
  const env = { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, NAMESPACE: namespace, DATABASE_URL: db.url, JWT_SECRET: 'x'.repeat(48) };
  const worker: TestNode = await startTestNode({ services: ['tenant', 'poc'], env: { ...env, NODE_ID: `${namespace}-worker` } });
  const gateway: TestNode = await startTestNode({ services: ['gateway'], env: { ...env, NODE_ID: `${namespace}-gw` } });
  let stopped = false;
  t.teardown(async () => {
    if (!stopped) await Promise.all([gateway.stop(), worker.stop()]);
  });
  // Discovery over NATS takes a heartbeat.
  for (let i = 0; i < 50 && (await fetch(`${gateway.url}/v1/tags/popular`)).status === 503; i++) await new Promise((r) => setTimeout(r, 100));
  const tenant = await createTenant({ ...gateway, dataDir: worker.dataDir });
  const requestId = randomUUID().replace(/-/g, '');
  const res = await fetch(`${gateway.url}/v1/pocs`, { headers: { ...authed(tenant.admin.token), 'x-request-id': requestId } });
  t.is(res.status, 200);
  t.is(res.headers.get('x-request-id'), requestId);
  await Promise.all([gateway.stop(), worker.stop()]);
  stopped = true;

  const trace = traceOf(otlp.spans, requestId);
  const nodes = new Set(trace.map((s) => s.node));
  t.deepEqual([...nodes].sort(), [`${namespace}-gw`, `${namespace}-worker`].sort(), 'spans from both nodes');
  const ids = new Set(trace.map((s) => s.span.spanId));
  const workerSpans = trace.filter((s) => s.node === `${namespace}-worker`);
  t.true(
    workerSpans.some((s) => s.span.parentSpanId && ids.has(s.span.parentSpanId) && trace.find((p) => p.span.spanId === s.span.parentSpanId)?.node === `${namespace}-gw`),
    "a worker span's parent is the gateway node's span",
  );
});
