import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import { CloseCode } from '../protocol/closeCodes';
import { createTenant, request } from '../test/support/accounts';
import { startTestNode, type TestNode } from '../test/support/node';
import { WsClient } from '../test/support/ws-client';

const run = promisify(execFile);
let app: TestNode;
let dataDir: string;

test.before(async () => {
  app = await startTestNode({ services: ['gateway', 'tenant'] });
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'tenant-cli-'));
});

test.after.always(async () => {
  await app?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** `npm run jobs -- tenant …` as an operator runs it, against the test node's database and cluster. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, DATABASE_URL: app.node.infra.databaseUrl, NAMESPACE: app.node.infra.config.namespace, DATA_DIR: dataDir, PORT: '0', OPS_PORT: '0', LOG_LEVEL: 'warn' };
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'deploy/jobs-cli.ts', 'tenant', ...args], { env, cwd: path.join(__dirname, '..'), timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

test('an operator suspends a tenant: its people are logged out and cannot log in until it is reactivated', async (t) => {
  const tenant = await createTenant(app, { members: 1 });
  const member = tenant.members[0]!;
  const socket = await WsClient.connect(app.wsUrl, member.token);
  const suspended = await cli('suspend', '--tenant', tenant.slug, '--json');
  t.is(suspended.code, 0, suspended.stderr);
  t.like(JSON.parse(suspended.stdout), { tenant_id: tenant.tenantId, status: 'SUSPENDED', changed: true, sessions_ended: 2 });
  // On NATS the revocation reaches the running gateway at once; on embedded defaults the CLI
  // cannot reach the node, whose socket then lives until its token expires.
  if (process.env.TRANSPORTER) t.like(await socket.whenClosed(), { code: CloseCode.SESSION_REVOKED });
  else await socket.close();
  t.is((await request(app, 'POST', '/v1/token/refresh', undefined, { refreshToken: member.refreshToken })).status, 401);
  const login = await request(app, 'POST', '/v1/login', undefined, { tenant: tenant.slug, username: member.username, password: member.password });
  t.is(login.status, 403);
  t.regex(login.body.error.message, /suspended/);
  const wrong = await request(app, 'POST', '/v1/login', undefined, { tenant: tenant.slug, username: member.username, password: 'not-the-password' });
  t.is(wrong.status, 401, 'the suspension is told only to whoever knows the password');

  const again = await cli('suspend', '--tenant', tenant.slug);
  t.regex(again.stdout, /suspended \(it already was\)/);
  const reactivated = await cli('reactivate', '--tenant', tenant.slug, '--json');
  t.like(JSON.parse(reactivated.stdout), { status: 'ACTIVE', changed: true });
  t.is((await request(app, 'POST', '/v1/login', undefined, { tenant: tenant.slug, username: member.username, password: member.password })).status, 200);
  const audit = await request(
    app,
    'GET',
    '/v1/audit',
    (await request(app, 'POST', '/v1/login', undefined, { tenant: tenant.slug, username: tenant.admin.username, password: tenant.admin.password })).body.token,
  );
  t.deepEqual(
    audit.body.entries.slice(0, 2).map((e: { action: string; actor_id: string | null }) => [e.action, e.actor_id]),
    [
      ['tenant.reactivated', null],
      ['tenant.suspended', null],
    ],
  );
});

test('an unknown tenant or a bad command is reported, with the usage for the latter', async (t) => {
  const missing = await cli('suspend', '--tenant', 'no-such-tenant');
  t.is(missing.code, 1);
  t.regex(missing.stderr, /no tenant with slug "no-such-tenant"/);
  const bad = await cli('close', '--tenant', 'x');
  t.is(bad.code, 2);
  t.regex(bad.stderr, /unknown tenant action "close"[\s\S]*usage: npm run jobs -- tenant/);
  const noSlug = await cli('suspend');
  t.regex(noSlug.stderr, /--tenant is required/);
});
