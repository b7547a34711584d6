import test from 'ava';
import { digestToken, newSecretToken, Passwords } from './Passwords';

// Cheap parameters: these tests check the format and the logic, not the cost.
const passwords = new Passwords({ N: 2 ** 10, r: 8, p: 1 });

test('a hash verifies its password only, and never contains it', async (t) => {
  const hash = await passwords.hash('correct horse');
  t.regex(hash, /^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
  t.false(hash.includes('correct horse'));
  t.true(await passwords.verify('correct horse', hash));
  t.false(await passwords.verify('correct horsE', hash));
  t.not(await passwords.hash('correct horse'), hash, 'salted');
});

test('the same password typed in another Unicode form verifies', async (t) => {
  const hash = await passwords.hash('caf\u00e9-pass');
  t.true(await passwords.verify('cafe\u0301-pass', hash));
});

test('a hash made with other parameters verifies and asks to be upgraded; garbage never verifies', async (t) => {
  const old = await new Passwords({ N: 2 ** 9, r: 8, p: 1 }).hash('pw-12345678');
  t.true(await passwords.verify('pw-12345678', old));
  t.true(passwords.needsRehash(old));
  t.false(passwords.needsRehash(await passwords.hash('x')));
  t.false(await passwords.verify('pw', 'bcrypt$whatever'));
  t.false(await passwords.verify('pw', 'scrypt$0$8$1$AA$AA'));
});

test('secret tokens are random and stored only as their digest', (t) => {
  const a = newSecretToken();
  const b = newSecretToken();
  t.not(a.token, b.token);
  t.is(a.hash, digestToken(a.token));
  t.is(a.hash.length, 64);
  t.regex(a.token, /^[A-Za-z0-9_-]{43}$/);
});
