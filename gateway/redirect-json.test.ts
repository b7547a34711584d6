import test from 'ava';
import type { RouteDef } from '../protocol/rest/route';
import { startTestNode, type TestNode } from '../test/support/node';

// A redirect route (recordings, reports, videos) as a browser page and as a download link see it.
const TARGET = 'http://storage.example:9000/bucket/file.webm?X-Amz-Signature=abc';
const routes: RouteDef[] = [{ method: 'GET', path: '/v1/files/latest', auth: 'public', action: 'files.latest', summary: 'files', tag: 'files', redirect: true }];
const files = () => ({ name: 'files', actions: { latest: () => ({ url: TARGET }) } });

let app: TestNode;
test.before(async () => {
  app = await startTestNode({ services: ['gateway'], routes, extraServices: [files] });
});
test.after.always(async () => {
  await app?.stop();
});

test('a client that accepts only JSON gets the target as { url }; any other gets the 302', async (t) => {
  const json = await fetch(`${app.url}/v1/files/latest`, { headers: { accept: 'application/json' }, redirect: 'manual' });
  t.is(json.status, 200);
  t.deepEqual(await json.json(), { url: TARGET });
  for (const accept of [undefined, '*/*', 'text/html,application/xhtml+xml,application/json;q=0.9']) {
    const res = await fetch(`${app.url}/v1/files/latest`, { headers: accept ? { accept } : {}, redirect: 'manual' });
    t.is(res.status, 302, String(accept));
    t.is(res.headers.get('location'), TARGET);
  }
});
