import test from 'ava';
import { malleatedTokens, tokenWithUrlAlphabet } from '../../test/support/tokens';
import { signAccessToken, verifyAccessToken } from './jwt';

const secret = 'x'.repeat(40);
const claims = { sub: 'u1', tid: 't1', role: 'member' as const, sid: 's1' };

test('a signed token verifies and carries its claims', (t) => {
  const result = verifyAccessToken(signAccessToken(claims, secret, 900), secret);
  t.true(result.ok);
  if (result.ok) t.like(result.claims, claims);
});

test('a token signed with another secret is refused', (t) => {
  t.deepEqual(verifyAccessToken(signAccessToken(claims, 'y'.repeat(40), 900), secret), { ok: false, reason: 'bad_signature' });
});

test('a tampered payload is refused', (t) => {
  const [h, , s] = signAccessToken(claims, secret, 900).split('.');
  const forged = Buffer.from(JSON.stringify({ ...claims, role: 'admin', iat: 1, exp: 9e9 })).toString('base64url');
  t.deepEqual(verifyAccessToken(`${h}.${forged}.${s}`, secret), { ok: false, reason: 'bad_signature' });
});

test('an expired token is refused', (t) => {
  const token = signAccessToken(claims, secret, 60, Date.now() - 120_000);
  t.deepEqual(verifyAccessToken(token, secret), { ok: false, reason: 'expired' });
});

test('alg=none and garbage are refused', (t) => {
  const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
  const body = Buffer.from(JSON.stringify({ ...claims, iat: 1, exp: 9e9 })).toString('base64url');
  t.deepEqual(verifyAccessToken(`${none}.${body}.`, secret), { ok: false, reason: 'malformed' });
  t.deepEqual(verifyAccessToken('not-a-token', secret), { ok: false, reason: 'malformed' });
});

test('a signature spelt any other way than its canonical base64url is refused', (t) => {
  const token = tokenWithUrlAlphabet(() => signAccessToken(claims, secret, 900, Date.now() - Math.floor(Math.random() * 100_000)));
  t.true(verifyAccessToken(token, secret).ok);
  const variants = malleatedTokens(token);
  // Each variant is a real test only if a lenient decoder reads it as the genuine signature.
  const genuine = Buffer.from(token.split('.')[2] as string, 'base64url');
  for (const variant of variants) t.true(Buffer.from(variant.split('.')[2] as string, 'base64url').equals(genuine), variant);
  for (const variant of variants) t.false(verifyAccessToken(variant, secret).ok, variant);
});
