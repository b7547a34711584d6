import test from 'ava';
import type { Context } from 'moleculer';
import type { CodeExecuted } from '../../protocol/codeExec';
import { authed, createTenant, type TestTenant } from '../../test/support/accounts';
import type { TestNode } from '../../test/support/node';
import { codeDojo, coder, startCodeNode } from './testing';

// Runs as members see them: kata tests counted, output only to the room that ran, observers
// refused, the REST side (run, list, read, languages), and `code.executed` for the kata actor.

let app: TestNode;
let tenant: TestTenant;
const executed: CodeExecuted[] = [];

const PY_TESTS = [
  'import unittest',
  'from solution import *',
  'class Kata(unittest.TestCase):',
  '    def test_small(self): self.assertEqual(add(1, 2), 3)',
  '    def test_zero(self): self.assertEqual(add(0, 0), 0)',
  '    def test_negative(self): self.assertEqual(add(-1, -2), -3)',
  '',
].join('\n');
const JS_TESTS = [
  "const test = require('node:test');",
  "const assert = require('node:assert');",
  "const { fizz } = require('./solution');",
  "test('3', () => assert.equal(fizz(3), 'Fizz'));",
  "test('5', () => assert.equal(fizz(5), 'Buzz'));",
  "test('15', () => assert.equal(fizz(15), 'FizzBuzz'));",
  "test('7', () => assert.equal(fizz(7), '7'));",
].join('\n');

test.before(async () => {
  app = await startCodeNode({}, [
    () => ({
      name: 'code-listener',
      events: {
        'code.executed'(ctx: Context<CodeExecuted>) {
          executed.push(ctx.params);
        },
      },
    }),
  ]);
  tenant = await createTenant(app, { members: 3, facilitators: 1 });
});

test.after.always(async () => {
  await app?.stop();
});

const fac = () => tenant.facilitators[0]!;
const member = (i: number) => tenant.members[i]!;

test('a Python kata: passing and failing tests are counted, and code.executed says so', async (t) => {
  const dojoId = await codeDojo(app, tenant, fac(), [member(0)], { language: 'Python', tests: PY_TESTS });
  const room = await coder(app, member(0), dojoId);
  const failing = await room.run('def add(a, b):\n    return a - b\n');
  t.is(failing.result.status, 'COMPLETED');
  t.deepEqual(failing.result.tests, { passed: 1, failed: 2, total: 3 });
  const passing = await room.run('def add(a, b):\n    return a + b\n');
  t.deepEqual(passing.result.tests, { passed: 3, failed: 0, total: 3 });
  const event = executed.find((e) => e.executionId === passing.executionId);
  t.like(event, { tenantId: tenant.tenantId, dojoId, userId: member(0).userId, language: 'python', status: 'COMPLETED', tests: { passed: 3, failed: 0, total: 3 } });
  await room.client.close();
});

test('a JavaScript kata with node:test, and the same room in TypeScript', async (t) => {
  const dojoId = await codeDojo(app, tenant, fac(), [member(1)], { language: 'javascript', tests: JS_TESTS });
  const room = await coder(app, member(1), dojoId);
  const partial = await room.run("exports.fizz = (n) => (n % 3 === 0 ? 'Fizz' : String(n));");
  t.deepEqual(partial.result.tests, { passed: 2, failed: 2, total: 4 });
  const full = await room.run("exports.fizz = (n) => (n % 15 === 0 ? 'FizzBuzz' : n % 3 === 0 ? 'Fizz' : n % 5 === 0 ? 'Buzz' : String(n));");
  t.deepEqual(full.result.tests, { passed: 4, failed: 0, total: 4 });
  t.true(
    full.output.some((o) => o.stream === 'stdout' && o.chunk.includes('# pass 4')),
    'the TAP report streamed to the room',
  );
  const typed = await room.run("export const fizz = (n: number): string => (n % 15 === 0 ? 'FizzBuzz' : n % 3 === 0 ? 'Fizz' : String(n));", 'typescript');
  t.is(typed.result.language, 'typescript');
  t.deepEqual(typed.result.tests, { passed: 3, failed: 1, total: 4 });
  await room.client.close();
});

test('two rooms run at once and each sees only its own output', async (t) => {
  const [a, b] = await Promise.all([
    codeDojo(app, tenant, fac(), [member(2)], { language: 'python' }).then((id) => coder(app, member(2), id)),
    codeDojo(app, tenant, fac(), [member(2)], { language: 'python' }).then((id) => coder(app, fac(), id)),
  ]);
  const loop = (word: string) => `import time\nfor i in range(5):\n    print("${word}", i, flush=True)\n    time.sleep(0.05)\n`;
  const [ra, rb] = await Promise.all([a.run(loop('alpha')), b.run(loop('bravo'))]);
  t.is(ra.result.stdout, [0, 1, 2, 3, 4].map((i) => `alpha ${i}\n`).join(''));
  t.is(rb.result.stdout, [0, 1, 2, 3, 4].map((i) => `bravo ${i}\n`).join(''));
  const seenBy = (client: typeof a.client) => client.pushes.filter((f) => (f.method ?? '').startsWith('code.') && f.method !== 'code.update').map((f) => JSON.stringify(f.data));
  t.false(
    seenBy(a.client).some((d) => d.includes('bravo') || d.includes(rb.executionId)),
    'room A saw nothing of room B',
  );
  t.false(
    seenBy(b.client).some((d) => d.includes('alpha') || d.includes(ra.executionId)),
    'room B saw nothing of room A',
  );
  t.true(ra.output.length > 0 && rb.output.length > 0, 'both streamed');
  // `output` is what had arrived when code.result did: every chunk came before the result.
  t.is(ra.output.map((o) => o.chunk).join(''), ra.result.stdout, 'the streamed chunks add up to the stored stdout');
  t.true(a.client.pushes.some((f) => f.method === 'code.runStarted' && (f.data as { executionId: string }).executionId === ra.executionId));
  await Promise.all([a.client.close(), b.client.close()]);
});

test('observers cannot run code; an unknown dojo language asks for one', async (t) => {
  const dojoId = await codeDojo(app, tenant, fac(), [member(0)], { language: 'COBOL', observers: [member(1)] });
  const watcher = await coder(app, member(1), dojoId);
  t.like(await watcher.client.request('code.run', {}), { ok: false, error: { code: 'FORBIDDEN', message: 'Observers cannot run code' } });
  const host = await coder(app, fac(), dojoId);
  const refused = await host.client.request('code.run', {});
  t.like(refused, { ok: false, error: { code: 'VALIDATION_ERROR' } });
  t.deepEqual(
    refused.error?.fields?.map((f) => f.field),
    ['language'],
  );
  t.like(await host.client.request('code.run', { language: 'cobol' }), { ok: false, error: { code: 'VALIDATION_ERROR' } });
  const ok = await host.run('print(6 * 7)', 'python');
  t.is(ok.result.stdout, '42\n');
  await Promise.all([watcher.client.close(), host.client.close()]);
});

test("REST: run, list and read a dojo's executions; languages; strangers see nothing", async (t) => {
  const dojoId = await codeDojo(app, tenant, fac(), [member(0)], { language: 'python' });
  const room = await coder(app, member(0), dojoId);
  await room.write('print("from rest")');
  const post = await fetch(`${app.url}/v1/dojos/${dojoId}/executions`, { method: 'POST', headers: authed(member(0).token), body: '{}' });
  t.is(post.status, 202);
  const { executionId, status } = (await post.json()) as { executionId: string; status: string };
  t.is(status, 'QUEUED');
  const pushed = await room.client.nextPushOf('code.result', (d) => d.executionId === executionId, 30_000);
  t.is(pushed.stdout, 'from rest\n');
  // The push goes out as the run ends; the row is marked a moment later.
  let read: { status: string; stdout: string; executionId: string } | undefined;
  for (let i = 0; i < 50 && read?.status !== 'COMPLETED'; i++) {
    const res = await fetch(`${app.url}/v1/dojos/${dojoId}/executions/${executionId}`, { headers: authed(fac().token) });
    t.is(res.status, 200);
    read = (await res.json()) as typeof read;
    if (read?.status !== 'COMPLETED') await new Promise((r) => setTimeout(r, 100));
  }
  t.like(read, { executionId, status: 'COMPLETED', stdout: 'from rest\n' });
  const list = (await (await fetch(`${app.url}/v1/dojos/${dojoId}/executions?limit=5`, { headers: authed(member(0).token) })).json()) as { items: Array<{ executionId: string }>; total: number };
  t.is(list.total, 1);
  t.is(list.items[0]?.executionId, executionId);
  const stranger = await fetch(`${app.url}/v1/dojos/${dojoId}/executions`, { headers: authed(member(2).token) });
  t.is(stranger.status, 403);
  const other = await createTenant(app, { members: 1 });
  t.is((await fetch(`${app.url}/v1/dojos/${dojoId}/executions/${executionId}`, { headers: authed(other.members[0]!.token) })).status, 404);
  const bad = await fetch(`${app.url}/v1/dojos/${dojoId}/executions`, { method: 'POST', headers: authed(member(0).token), body: JSON.stringify({ language: 'ruby' }) });
  t.is(bad.status, 422);
  const languages = (await (await fetch(`${app.url}/v1/languages`, { headers: authed(member(0).token) })).json()) as {
    languages: Array<{ name: string; testFramework: string }>;
    sandbox: { available: boolean };
  };
  t.deepEqual(
    languages.languages.map((l) => [l.name, l.testFramework]),
    [
      ['javascript', 'node:test'],
      ['typescript', 'node:test'],
      ['python', 'unittest'],
    ],
  );
  t.true(languages.sandbox.available);
  const metrics = await (await fetch(`${app.opsUrl}/metrics`)).text();
  t.regex(metrics, /^pocdojo_code_exec_runs_total\{language="python",status="COMPLETED"\} \d+/m);
  t.regex(metrics, /^pocdojo_code_exec_run_seconds_count\{language="python"\} \d+/m);
  t.regex(metrics, /^pocdojo_code_exec_sandbox_start_seconds_count \d+/m);
  t.regex(metrics, /^pocdojo_code_exec_queue_depth/m);
  await room.client.close();
});
