import { randomUUID } from 'node:crypto';
import test from 'ava';
import { signAccessToken } from '../infra/auth/jwt';
import { Authenticator, RevocationList } from './auth';

const SECRET = 'a-secret-of-the-test-that-is-long-enough';
const claims = () => ({ sub: randomUUID(), tid: randomUUID(), role: 'member' as const, sid: randomUUID() });

test('a verified token is accepted again from the cache, with the same identity', (t) => {
  const auth = new Authenticator(SECRET, new RevocationList());
  const c = claims();
  const token = signAccessToken(c, SECRET, 900);
  const first = auth.verifyHeader(`Bearer ${token}`);
  const second = auth.verifyHeader(`Bearer ${token}`);
  t.true(first.ok && second.ok);
  if (second.ok) t.like(second.auth, { userId: c.sub, tenantId: c.tid, sessionId: c.sid });
});

test("a forged payload carrying a verified token's signature is refused", (t) => {
  // The cache is keyed by the signature: a token that reuses it with other claims must not hit.
  const auth = new Authenticator(SECRET, new RevocationList());
  const token = signAccessToken(claims(), SECRET, 900);
  t.true(auth.verify(token).ok);
  const [header, , signature] = token.split('.');
  const forgedPayload = Buffer.from(JSON.stringify({ ...claims(), iat: 1, exp: 4_102_444_800 })).toString('base64url');
  const forged = `${header}.${forgedPayload}.${signature}`;
  t.deepEqual(auth.verify(forged), { ok: false, message: 'Invalid access token' });
  t.true(auth.verify(token).ok, 'the genuine token still passes');
});

test('the Authorization header must be a Bearer token', (t) => {
  const auth = new Authenticator(SECRET, new RevocationList());
  const token = signAccessToken(claims(), SECRET, 900);
  t.true(auth.verifyHeader(`bearer   ${token}`).ok, 'scheme is case-insensitive, spaces are tolerated');
  t.deepEqual(auth.verifyHeader(''), { ok: false, message: 'Missing access token' });
  t.false(auth.verifyHeader(`Basic ${token}`).ok);
  t.false(auth.verifyHeader(`Bearer ${token} extra`).ok);
  t.false(auth.verifyHeader('Bearer ').ok);
});

test('an expired token is refused even after it was cached', (t) => {
  const auth = new Authenticator(SECRET, new RevocationList());
  const now = Date.now();
  const token = signAccessToken(claims(), SECRET, 60, now);
  t.true(auth.verify(token, now).ok);
  t.deepEqual(auth.verify(token, now + 61_000), { ok: false, message: 'Access token expired' });
});
