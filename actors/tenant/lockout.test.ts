import test from 'ava';
import { mailsTo, type TestUser } from '../../test/support/accounts';
import { LOGIN_LIMITS } from './LoginThrottle';
import { tenantNode } from './testing';

// Behind a trusted proxy the client address comes from X-Forwarded-For, so one test plays many
// places; a request without it comes from 127.0.0.1, where every fixture user has logged in.
const fixture = tenantNode({ members: 3 }, { TRUST_PROXY: 'true' });

const login = (user: TestUser, password: string, address?: string) =>
  fetch(`${fixture.app.url}/v1/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(address ? { 'x-forwarded-for': address } : {}) },
    body: JSON.stringify({ tenant: fixture.acme.slug, username: user.username, password }),
  });
const lockoutMails = async (user: TestUser) => (await mailsTo(fixture.app, `${user.username}@mail.test`)).filter((m) => m.subject.startsWith('Tentativas de acesso'));

test('guessing from one address slows that address down; the owner at their usual address is not held up', async (t) => {
  const user = fixture.acme.members[0]!;
  for (let i = 0; i < LOGIN_LIMITS.freePerPair; i++) t.is((await login(user, `wrong-${i}-password`, '198.51.100.1')).status, 401);
  const slowed = await login(user, user.password, '198.51.100.1');
  t.is(slowed.status, 429, 'even the right password waits out the delay from that address');
  t.true(Number(slowed.headers.get('retry-after')) >= 1);
  t.like(await slowed.json(), { error: { code: 'RATE_LIMITED' } });
  t.is((await login(user, user.password)).status, 200, 'the owner logs in from where they always do');
  t.is((await login(user, user.password, '198.51.100.2')).status, 200, 'and so would anyone with the password from elsewhere: only the guessing address waits');
  t.deepEqual(await lockoutMails(user), [], 'a few typos are no lockout');
});

test('guesses from many addresses lock the account against strangers, mail its owner once, and let the owner through', async (t) => {
  const user = fixture.acme.members[1]!;
  for (let i = 0; i < LOGIN_LIMITS.perAccount; i++) t.is((await login(user, `wrong-${i}-password`, `192.0.2.${i + 1}`)).status, 401);
  for (let i = 0; i < 3; i++) t.is((await login(user, `more-${i}-guesses`, `192.0.2.${50 + i}`)).status, 429, 'further guesses are refused unchecked');
  const stranger = await login(user, user.password, '203.0.113.9');
  t.is(stranger.status, 429, 'the right password from an address the account never used is refused while locked');
  t.true(Number(stranger.headers.get('retry-after')) > 1);
  const owner = await login(user, user.password);
  t.is(owner.status, 200, 'the owner, from an address they signed in from before, gets through');
  const mails = await lockoutMails(user);
  t.is(mails.length, 1, 'one notice per lockout, however many guesses follow');
  t.regex(mails[0]!.body, new RegExp(user.username));
  t.is((await login(fixture.acme.members[2]!, fixture.acme.members[2]!.password, '203.0.113.9')).status, 200, 'other accounts are not affected');
});

test('an unknown username is locked like a real one, so a lockout tells nothing about who exists', async (t) => {
  const ghost = { ...fixture.acme.members[2]!, username: 'nobodyhere' };
  for (let i = 0; i < LOGIN_LIMITS.perAccount; i++) t.is((await login(ghost, `wrong-${i}-password`, `192.0.2.${100 + i}`)).status, 401);
  t.is((await login(ghost, 'anything-at-all', '203.0.113.10')).status, 429);
});
