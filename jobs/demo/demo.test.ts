import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { authed, mailsTo, readConfirmationToken } from '../../test/support/accounts';
import { startTestNode, type TestNode } from '../../test/support/node';
import { runDemo } from './cli';

let app: TestNode;

test.before(async () => {
  app = await startTestNode({ services: ['gateway', 'tenant', 'poc', 'dojo-room'] });
});

test.after.always(async () => {
  await app?.stop();
});

const outbox = () => path.join(app.dataDir, 'outbox');
/** The mails about accounts in the outbox: confirmations and "you already have an account" (not notifications), in the tenant's pt-BR. */
async function accountMails(): Promise<number> {
  return (await mailsTo(app, '')).filter((m) => /^(Confirme sua conta|Você já tem uma conta)/.test(m.subject)).length;
}

async function demo(...extra: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runDemo(['--url', app.url, '--outbox', outbox(), ...extra], {
    out: { write: (s: string) => (out += s) },
    err: { write: (s: string) => (err += s) },
  });
  return { code, out, err };
}

/** The credentials as a person reads them off the demo's output. */
function credentials(out: string): { slug: string; admin: string; members: string[]; password: string } {
  const field = (name: string) => new RegExp(`^  ${name}:\\s+(\\S.*)$`, 'm').exec(out)?.[1] ?? '';
  return {
    slug: field('tenant').split(' ')[0]!,
    admin: field('admin').split(' ')[0]!,
    members: field('members').split(', '),
    password: field('password').split(' ')[0]!,
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function call(method: string, route: string, body?: unknown, token?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${app.url}${route}`, { method, headers: token ? authed(token) : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

async function login(slug: string, username: string, password: string): Promise<string> {
  const res = await call('POST', '/v1/login', { tenant: slug, username, password });
  if (res.status !== 200) throw new Error(`login ${username}@${slug} -> ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token;
}

// Serial: the outbox is shared by the node, and the first test counts its mails.
test.serial('the demo seeds its tenant once: a second run changes nothing and prints the same credentials', async (t) => {
  const first = await demo();
  t.is(first.code, 0, first.err);
  const mails = await accountMails();
  t.true(mails > 0, 'the first run signed its people up by mail');

  const second = await demo();
  t.is(second.code, 0, second.err);
  t.regex(second.out, /nothing changed/);
  const creds = credentials(second.out);
  t.deepEqual(creds, credentials(first.out));
  t.is(creds.members.length, 4);
  // No account was made or confirmed again: the node sent no account mail. (Notification mails of
  // the first run's dojo may still be arriving from the notification queue; they are not counted.)
  t.is(await accountMails(), mails);

  const admin = await login(creds.slug, creds.admin, creds.password);
  const users = await call('GET', '/v1/users', undefined, admin);
  t.is(users.body.total, 5);
  t.deepEqual(users.body.users.map((u: { username: string }) => u.username).sort(), [creds.admin, ...creds.members].sort());
  t.true(users.body.users.every((u: { account_status: string }) => u.account_status === 'A'));

  const pocs = await call('GET', '/v1/pocs?limit=1', undefined, admin);
  t.is(pocs.body.total, 50);
  t.true(pocs.body.facets.languages.length >= 5);
  t.true(pocs.body.facets.tags.length >= 5);
  t.true(pocs.body.facets.frameworks.length >= 5);

  const dojos = await call('GET', '/v1/dojos', undefined, admin);
  t.is(dojos.body.total, 1);
  t.is(dojos.body.items[0].status, 'SCHEDULED');
  const dojo = await call('GET', `/v1/dojos/${dojos.body.items[0].id}`, undefined, admin);
  const roles = Object.fromEntries(dojo.body.participants.map((p: { username: string; role: string }) => [p.username, p.role]));
  t.deepEqual(roles, { [creds.admin]: 'facilitator', ...Object.fromEntries(creds.members.map((m) => [m, 'participant'])) });

  // Every printed account logs in with the printed password.
  for (const member of creds.members) t.truthy(await login(creds.slug, member, creds.password));
});

test.serial('a sign-up left unconfirmed (an interrupted run) is confirmed and finished by the next run', async (t) => {
  const creds = credentials((await demo()).out);
  const signup = await call('POST', '/v1/tenants', {
    name: 'Half done',
    slug: 'half-done',
    admin: { firstName: 'Ana', lastName: 'Souza', email: 'ana@example.com', username: creds.admin, password: creds.password },
  });
  t.is(signup.status, 201);
  t.is((await call('POST', '/v1/login', { tenant: 'half-done', username: creds.admin, password: creds.password })).status, 403);

  const run = await demo('--slug', 'half-done');
  t.is(run.code, 0, run.err);
  t.regex(run.out, /confirmed 1 pending account/);
  const admin = await login('half-done', creds.admin, creds.password);
  t.is((await call('GET', '/v1/pocs?limit=1', undefined, admin)).body.total, 50);
});

test.serial('a slug held by another tenant is refused, and the demo says to choose another', async (t) => {
  const signup = await call('POST', '/v1/tenants', {
    name: 'Someone else',
    slug: 'taken',
    admin: { firstName: 'Zoe', lastName: 'Other', email: 'zoe@example.com', username: 'ana', password: 'not-the-demo-password' },
  });
  t.is(signup.status, 201);
  const run = await demo('--slug', 'taken');
  t.is(run.code, 1);
  t.regex(run.err, /tenant "taken" exists.*--slug/);
});

test.serial('without the mails (a node on SMTP) it makes every account, names those to confirm, and the run after confirming finishes', async (t) => {
  // An outbox the node never writes to: the demo sees no mail, as when mail goes by SMTP.
  const elsewhere = await mkdtemp(path.join(os.tmpdir(), 'no-outbox-'));
  t.teardown(() => rm(elsewhere, { recursive: true, force: true }));
  const confirmByHand = async (email: string) => {
    // Serial tests: the newest mail to this address is the one this test's run caused.
    const token = await readConfirmationToken(app, email);
    t.is((await call('POST', '/v1/account/confirm', { token })).status, 200);
  };

  let run = await demo('--slug', 'by-mail', '--outbox', elsewhere);
  t.is(run.code, 1);
  t.regex(run.err, /no confirmation mail to ana@example\.com .*SMTP/s);
  await confirmByHand('ana@example.com');

  run = await demo('--slug', 'by-mail', '--outbox', elsewhere);
  t.is(run.code, 1);
  const members = ['bruno', 'carla', 'diego', 'elisa'].map((m) => `${m}@example.com`);
  t.true(run.err.includes(`no confirmation mail to ${members.join(', ')} `), run.err);
  for (const email of members) await confirmByHand(email);

  run = await demo('--slug', 'by-mail', '--outbox', elsewhere);
  t.is(run.code, 0, run.err);
  const creds = credentials(run.out);
  const admin = await login('by-mail', creds.admin, creds.password);
  t.is((await call('GET', '/v1/pocs?limit=1', undefined, admin)).body.total, 50);
});
