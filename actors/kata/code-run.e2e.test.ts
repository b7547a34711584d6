import test from 'ava';
import { createTenant, type TestTenant } from '../../test/support/accounts';
import { startTestNode, type TestNode } from '../../test/support/node';
import { api, joined, liveDojo } from '../dojo-room/testing';
import { roomEditor } from '../code-exec/testing';
import { assignmentOf, codeText } from './testing';

// The kata and the sandbox together, as a team lives it: a breakout room writes code, presses
// run (code.run in the breakout room), the real code-exec actor runs the kata's node:test file
// against it in bubblewrap, and the kata counts the result: completing is refused while a test
// fails and accepted once the room's last run passed them all.

let app: TestNode;
let tenant: TestTenant;

test.before(async () => {
  app = await startTestNode({
    services: ['gateway', 'tenant', 'dojo-room', 'kata', 'code-exec'],
    env: { CODE_EXEC_TIMEOUT_MS: '10000', CODE_EXEC_ROOM_RUNS_PER_MINUTE: '1000' },
  });
  tenant = await createTenant(app, { members: 2, facilitators: 1 });
});

test.after.always(async () => {
  await app?.stop();
});

const STARTER = 'function add(a, b) {\n}\nmodule.exports = { add };\n';
const TESTS = [
  "const test = require('node:test');",
  "const assert = require('node:assert');",
  "const { add } = require('./solution');",
  "test('adds', () => assert.strictEqual(add(1, 2), 3));",
  "test('adds negatives', () => assert.strictEqual(add(-1, -2), -3));",
].join('\n');

test("a breakout room's run is tested against the kata's tests, and only a passing run completes the room", async (t) => {
  const fac = tenant.facilitators[0]!;
  const [ana, bia] = tenant.members as [(typeof tenant.members)[0], (typeof tenant.members)[0]];
  const dojoId = await liveDojo(app, tenant, fac, [ana, bia]);
  await joined(app, fac, dojoId);
  const people = await Promise.all([ana, bia].map((m) => joined(app, m, dojoId)));

  const started = await api(app, 'POST', '/v1/katas', fac.token, {
    dojo_id: dojoId,
    title: 'Add',
    statement: 'Add two numbers.',
    language: 'javascript',
    starter_code: STARTER,
    tests: TESTS,
    duration_minutes: 30,
    room_size: 2,
  });
  t.is(started.status, 201, JSON.stringify(started.body));
  const kataId = started.body.id as string;
  const split = await api(app, 'POST', `/v1/katas/${kataId}/rooms/auto`, fac.token, { size: 2 });
  t.is(split.status, 201, JSON.stringify(split.body));
  const roomId = (await assignmentOf(people[0]!.client, ana.userId)).roomId!;
  const client = people[0]!.client;
  const join = await client.request('room.join', { dojoId: roomId });
  t.true(join.ok, JSON.stringify(join.error));
  t.is(codeText((join.data as { code: string }).code), STARTER);

  // The room's editor, bound to the breakout room's code.
  const { doc, write } = roomEditor(client, (join.data as { code: string }).code, roomId);
  const run = async () => {
    const reply = await client.request('code.run', { dojoId: roomId });
    t.true(reply.ok, JSON.stringify(reply.error));
    const { executionId } = reply.data as { executionId: string };
    return client.nextPushOf('code.result', (d) => d.executionId === executionId, 60_000);
  };
  const kata = async () => (await api(app, 'GET', `/v1/katas/${kataId}`, fac.token)).body;
  const until = async (ok: () => Promise<boolean>) => {
    for (let i = 0; i < 200 && !(await ok()); i++) await new Promise((r) => setTimeout(r, 50));
  };

  // Half right: one test passes, one fails; the kata records the run and refuses completion.
  await write('function add(a, b) {\n  return Math.abs(a + b);\n}\nmodule.exports = { add };\n');
  const half = await run();
  t.like(half, { status: 'COMPLETED', language: 'javascript', tests: { passed: 1, failed: 1, total: 2 } });
  await until(async () => (await kata()).rooms[0].result.test_runs === 1);
  t.like((await kata()).rooms[0].result, { test_runs: 1, tests_passed: 1, tests_failed: 1, completed: false });
  const refused = await api(app, 'PUT', `/v1/katas/${kataId}/rooms/${roomId}/complete`, ana.token);
  t.like(refused, { status: 409, body: { error: { code: 'CONFLICT' } } });

  // Fixed: every test passes, and the room completes.
  await write('function add(a, b) {\n  return a + b;\n}\nmodule.exports = { add };\n');
  const pass = await run();
  t.like(pass, { status: 'COMPLETED', tests: { passed: 2, failed: 0, total: 2 } });
  await until(async () => (await kata()).rooms[0].result.test_runs === 2);
  const done = await api(app, 'PUT', `/v1/katas/${kataId}/rooms/${roomId}/complete`, ana.token);
  t.like(done, { status: 200, body: { status: 'COMPLETED', result: { completed: true, test_runs: 2, tests_passed: 2, tests_failed: 0 } } });

  // A run in the main dojo is the dojo's own: no kata tests there.
  const mainRun = await client.request('code.run', { dojoId, language: 'javascript' });
  t.true(mainRun.ok, JSON.stringify(mainRun.error));
  const mainResult = await client.nextPushOf('code.result', (d) => d.executionId === (mainRun.data as { executionId: string }).executionId, 60_000);
  t.is(mainResult.tests, null);
  doc.destroy();
  for (const p of people) p.client.close();
});
