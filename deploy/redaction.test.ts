import { randomBytes } from 'node:crypto';
import test from 'ava';
import { authed, createTenant, readConfirmationToken } from '../test/support/accounts';
import { createTestDatabase } from '../test/support/database';
import { tempDataDir } from '../test/support/dirs';
import type { TestNode } from '../test/support/node';
import { startProcess } from '../test/support/process';

// A real node's real log output (stdout and stderr, LOG_LEVEL=debug, TRACING=log) after sign-ups,
// confirmations, good and bad logins, a token refresh and authenticated calls: no password,
// token, authorization header, secret or email may appear in it.
test('the log of a sign-up, confirm, login and refresh flow holds no secret and no email', async (t) => {
  t.timeout(120_000);
  const dataDir = await tempDataDir();
  t.teardown(() => dataDir.remove());
  const db = process.env.DATABASE_URL ? await createTestDatabase() : undefined;
  t.teardown(() => db?.drop());
  const jwtSecret = randomBytes(32).toString('hex');
  const node = await startProcess(
    {
      DATA_DIR: dataDir.path,
      DATABASE_URL: db?.url,
      SERVICES: 'gateway,tenant,poc',
      NAMESPACE: `redact-${randomBytes(4).toString('hex')}`,
      JWT_SECRET: jwtSecret,
      LOG_LEVEL: 'debug',
      TRACING: 'log',
    },
    { command: [process.execPath, '--import', 'tsx', 'deploy/start.ts'] },
  );
  t.teardown(() => node.stop());
  const app = { url: node.url, dataDir: dataDir.path } as TestNode;

  const tenant = await createTenant(app, { members: 1 });
  const member = tenant.members[0]!;
  const post = (path: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    fetch(`${app.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  t.is((await post('/v1/login', { tenant: tenant.slug, username: member.username, password: 'Wrong-Password-77' })).status, 401);
  const refreshed = (await (await post('/v1/token/refresh', { refreshToken: member.refreshToken })).json()) as { token: string; refreshToken: string };
  t.truthy(refreshed.token);
  // A reused refresh token (rotation), an unconfirmed account's login, a taken email's sign-up.
  t.is((await post('/v1/token/refresh', { refreshToken: member.refreshToken })).status, 401);
  const lateEmail = `late${randomBytes(3).toString('hex')}@mail.test`;
  t.is((await post('/v1/account', { tenant: tenant.slug, firstName: 'Late', lastName: 'Comer', email: lateEmail, username: 'latecomer', password: 'Late-Password-42' })).status, 201);
  const confirmToken = await readConfirmationToken(app, lateEmail);
  t.is((await post('/v1/login', { tenant: tenant.slug, username: 'latecomer', password: 'Late-Password-42' })).status, 403);
  t.is((await post('/v1/account', { tenant: tenant.slug, firstName: 'Dup', lastName: 'Email', email: lateEmail, username: 'dupemail', password: 'Dup-Password-42' })).status, 201);
  // The reuse ended the member's session; the admin's still works.
  t.is((await fetch(`${app.url}/v1/user?user_id=${member.userId}`, { headers: authed(refreshed.token) })).status, 401);
  t.is((await fetch(`${app.url}/v1/user?user_id=${member.userId}`, { headers: authed(tenant.admin.token) })).status, 200);
  t.is((await fetch(`${app.url}/v1/user?user_id=${member.userId}`, { headers: authed(`${tenant.admin.token}x`) })).status, 401);
  t.is((await post('/v1/logout', {}, authed(tenant.admin.token))).status, 200);

  // Let the last lines (spans, the logout's revocation) reach our end of the pipe.
  await new Promise((r) => setTimeout(r, 500));
  const output = node.output();
  t.true(output.split('\n').length > 20, 'the node logged the flow');
  const secrets: Record<string, string> = {
    'a password': tenant.admin.password,
    'the wrong password': 'Wrong-Password-77',
    "an unconfirmed user's password": 'Late-Password-42',
    'an access token': member.token,
    'a refreshed access token': refreshed.token,
    'a refresh token': member.refreshToken,
    'a rotated refresh token': refreshed.refreshToken,
    'a confirmation token': confirmToken,
    'the JWT secret': jwtSecret,
    'an email': lateEmail,
    "the admin's email": `${tenant.admin.username}@mail.test`,
    "a member's email": `${member.username}@mail.test`,
  };
  for (const [what, secret] of Object.entries(secrets)) {
    const line = output.split('\n').find((l) => l.includes(secret));
    t.is(line, undefined, `${what} is in the log`);
  }
  t.notRegex(output, /bearer [a-z0-9._-]{20,}/i, 'an authorization header is in the log');
});

// The flow above logs none of these today; the redaction is what keeps a future log line that
// carries params, headers or an error's data from leaking them. Shown on the node's own logger
// (the broker options every node uses), in a process of its own so pino writes to a real stdout.
test("the node's logger blanks credentials and emails at any of the depths services log them", async (t) => {
  const script = `
    const { ServiceBroker } = require('moleculer');
    const { loadConfig } = require('./config');
    const { createBrokerOptions } = require('./moleculer.config');
    const broker = new ServiceBroker(createBrokerOptions(loadConfig({ LOG_LEVEL: 'info', DATA_DIR: process.env.DATA_DIR })));
    const log = broker.getLogger('probe');
    log.info({ password: 'p1-secret', email: 'top@mail.test', authorization: 'Bearer abcdefghijklmnopqrstuvwxyz' }, 'top');
    log.info({ params: { password: 'p2-secret', email: 'nested@mail.test', refreshToken: 'r2-secret' }, headers: { authorization: 'Bearer zyxwvutsrqponmlkjihgfedcba' } }, 'nested');
    log.info({ err: { data: { email: 'deep@mail.test', token: 't3-secret' } }, meta: { auth: { token: 't4-secret' } } }, 'deep');
    log.info({ user: 'kept-visible' }, 'plain');
  `;
  const dataDir = await tempDataDir();
  t.teardown(() => dataDir.remove());
  const { execFile } = await import('node:child_process');
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, ['--import', 'tsx', '-e', script], { cwd: `${__dirname}/..`, env: { PATH: process.env.PATH, DATA_DIR: dataDir.path } }, (error, out, err) =>
      error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out),
    ),
  );
  const lines = stdout.split('\n').filter((l) => l.includes('"mod":"probe"'));
  t.is(lines.length, 4, stdout);
  for (const secret of ['p1-secret', 'top@mail.test', 'abcdefghijklmnop', 'p2-secret', 'nested@mail.test', 'r2-secret', 'zyxwvutsrqponml', 'deep@mail.test', 't3-secret', 't4-secret']) {
    t.false(stdout.includes(secret), `${secret} reached the log`);
  }
  t.is((stdout.match(/\[redacted\]/g) ?? []).length, 10);
  t.true(stdout.includes('kept-visible'), 'other fields stay');
});
