import test from 'ava';
import type { RouteDef } from '../protocol/rest/route';
import { startTestNode, type TestNode } from '../test/support/node';

// An action on the gateway's own node that answers only when the test lets it, and a quick one.
const routes: RouteDef[] = [
  { method: 'GET', path: '/v1/slow/late', auth: 'public', action: 'slow.late', summary: 'late', tag: 'slow' },
  { method: 'GET', path: '/v1/slow/quick', auth: 'public', action: 'slow.quick', summary: 'quick', tag: 'slow' },
];
let release!: () => void;
const released = new Promise<void>((resolve) => (release = resolve));
let lateAnswered = false;
const slow = () => ({
  name: 'slow',
  actions: {
    late: async () => {
      await released;
      lateAnswered = true;
      return { late: true };
    },
    quick: () => ({ quick: true }),
  },
});

let app: TestNode;

test.before(async () => {
  app = await startTestNode({ services: ['gateway'], routes, extraServices: [slow], env: { REQUEST_TIMEOUT_MS: '300' } });
});

test.after.always(async () => {
  release();
  await app?.stop();
});

test('a local action past the request timeout gets 504 with the error body; its late answer is dropped', async (t) => {
  const res = await fetch(`${app.url}/v1/slow/late`);
  t.is(res.status, 504);
  t.like(await res.json(), { error: { code: 'TIMEOUT', message: 'The service did not answer in time' } });
  t.false(lateAnswered, 'answered before the action did');
  // The gateway goes on serving; the action runs to its end, and its answer goes nowhere.
  t.deepEqual(await (await fetch(`${app.url}/v1/slow/quick`)).json(), { quick: true });
  release();
  await released;
  await new Promise((resolve) => setImmediate(resolve));
  t.true(lateAnswered);
  t.deepEqual(await (await fetch(`${app.url}/v1/slow/quick`)).json(), { quick: true }, 'and nothing broke when it came');
});
