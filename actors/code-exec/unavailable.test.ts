import test from 'ava';
import { authed, createTenant } from '../../test/support/accounts';
import type { TestNode } from '../../test/support/node';
import { codeDojo, coder, startCodeNode } from './testing';

// A node without a sandbox (switched off here, as a machine without bubblewrap would be) says so
// in /ready and /v1/languages, and a run ends SANDBOX_UNAVAILABLE: nothing runs unsandboxed.

let app: TestNode;

test.before(async () => {
  app = await startCodeNode({ CODE_EXEC_SANDBOX: 'off' });
});

test.after.always(async () => {
  await app?.stop();
});

test('no sandbox: /ready says so, and a run ends SANDBOX_UNAVAILABLE without running', async (t) => {
  const ready = (await (await fetch(`${app.url}/ready`)).json()) as { status: string; features: Record<string, string> };
  t.is(ready.status, 'ready');
  t.regex(ready.features['code-execution'] ?? '', /^unavailable: switched off/);
  const tenant = await createTenant(app, { members: 1, facilitators: 1 });
  const languages = (await (await fetch(`${app.url}/v1/languages`, { headers: authed(tenant.members[0]!.token) })).json()) as { sandbox: { available: boolean; reason: string } };
  t.false(languages.sandbox.available);
  const room = await coder(app, tenant.members[0]!, await codeDojo(app, tenant, tenant.facilitators[0]!, [tenant.members[0]!], { language: 'python' }));
  const { result, output } = await room.run('open("/tmp/ran", "w").write("ran")\nprint("ran")');
  t.is(result.status, 'SANDBOX_UNAVAILABLE');
  t.regex(result.error?.message ?? '', /cannot run on this server/);
  t.is(result.stdout, '');
  t.deepEqual(output, []);
  t.false(room.client.pushes.some((f) => f.method === 'code.runStarted'));
  await room.client.close();
});
