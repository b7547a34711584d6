import test from 'ava';
import { authed, createTenant, type TestTenant } from '../../test/support/accounts';
import type { TestNode } from '../../test/support/node';
import { codeDojo, coder, startCodeNode } from './testing';

// Admission and fairness with one sandbox slot: a room's full queue is refused with 429 and
// Retry-After (REST) / RATE_LIMITED (WebSocket), and a room's first run does not wait behind
// another room's backlog.

let app: TestNode;
let tenant: TestTenant;

test.before(async () => {
  app = await startCodeNode({ CODE_EXEC_CONCURRENCY: '1', CODE_EXEC_ROOM_QUEUED: '6' });
  tenant = await createTenant(app, { members: 2, facilitators: 1 });
});

test.after.always(async () => {
  await app?.stop();
});

test.serial("a new room's first run goes before another room's backlog, and a full room queue is refused with 429", async (t) => {
  const fac = tenant.facilitators[0]!;
  const busy = await coder(app, tenant.members[0]!, await codeDojo(app, tenant, fac, [tenant.members[0]!], { language: 'python' }));
  const fresh = await coder(app, tenant.members[1]!, await codeDojo(app, tenant, fac, [tenant.members[1]!], { language: 'python' }));
  await busy.write('import time\ntime.sleep(1)\nprint("busy")');
  const queued: string[] = [];
  for (let i = 0; i < 6; i++) {
    const reply = await busy.client.request('code.run', {});
    t.true(reply.ok, JSON.stringify(reply.error));
    queued.push((reply.data as { executionId: string }).executionId);
  }
  const full = await busy.client.request('code.run', {});
  t.like(full, { ok: false, error: { code: 'RATE_LIMITED' } });
  t.regex(full.error?.message ?? '', /runs waiting/);
  const rest = await fetch(`${app.url}/v1/dojos/${busy.dojoId}/executions`, { method: 'POST', headers: authed(tenant.members[0]!.token), body: '{}' });
  t.is(rest.status, 429);
  t.truthy(rest.headers.get('retry-after'));

  const first = await fresh.run('print("first")');
  t.is(first.result.stdout, 'first\n');
  const busyDone = busy.client.pushes.filter((f) => f.method === 'code.result').length;
  t.true(busyDone <= 2, `the new room's run waited for ${busyDone} of the busy room's 6 runs`);
  await Promise.all([busy.client.close(), fresh.client.close()]);
});
