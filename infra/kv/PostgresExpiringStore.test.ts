import test from 'ava';
import { randomUUID } from 'node:crypto';
import { Database } from '../db/database';
import { silentLogger } from '../logger';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { expiringStoreContract } from './expiringContract';
import { PostgresExpiringStore } from './PostgresExpiringStore';

let db: TestDatabase | undefined;
let database: Database | undefined;
let store: PostgresExpiringStore | undefined;

test.before(async () => {
  db = await createTestDatabase();
  database = new Database({ url: db.url, logger: silentLogger });
  store = new PostgresExpiringStore(database);
});
test.after.always(async () => {
  await store?.close();
  await database?.close();
  await db?.drop();
});

expiringStoreContract(
  (title, fn) => test(`postgres: ${title}`, fn),
  () => store!,
  () => `${randomUUID()}:`,
);

test('postgres: what is written survives a new store on the same database; the purge drops only expired rows', async (t) => {
  const k = randomUUID();
  await store!.set(`${k}:kept`, 'v', 60_000);
  await store!.sadd(`${k}:set`, 'a', 'b');
  await store!.set(`${k}:gone`, 'v', 1);
  await new Promise((resolve) => setTimeout(resolve, 20));
  const reopened = new PostgresExpiringStore(database!);
  try {
    t.true((await reopened.purge()) >= 1);
    t.is(await reopened.get(`${k}:kept`), 'v');
    t.deepEqual((await reopened.smembers(`${k}:set`)).sort(), ['a', 'b']);
    t.is(await reopened.get(`${k}:gone`), null);
  } finally {
    await reopened.close();
  }
});

test('postgres: concurrent increments never lose a count', async (t) => {
  const k = randomUUID();
  const counts = await Promise.all(Array.from({ length: 20 }, () => store!.incr(k, 60_000)));
  t.deepEqual(
    counts.sort((a, b) => a - b),
    Array.from({ length: 20 }, (_, i) => i + 1),
  );
});
