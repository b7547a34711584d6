import { randomUUID } from 'node:crypto';
import test from 'ava';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { silentLogger } from '../logger';
import { Database } from './database';
import { migrate } from './migrate';

let testDb: TestDatabase;
let db: Database;

test.before(async () => {
  testDb = await createTestDatabase();
  db = new Database({ url: testDb.url, logger: silentLogger });
});

test.after.always(async () => {
  await db?.close();
  await testDb?.drop();
});

async function newTenant(slug: string): Promise<string> {
  const id = randomUUID();
  await db.asSystem(() => db.sequelize.query('INSERT INTO tenants (id, name, slug) VALUES ($1, $2, $3)', { bind: [id, slug, slug] }));
  return id;
}

test('migrations are idempotent: a second run applies nothing', async (t) => {
  t.deepEqual(await migrate(testDb.url), []);
});

test('row-level security hides other tenants even from a query without a tenant filter', async (t) => {
  const a = await newTenant(`a-${randomUUID().slice(0, 8)}`);
  const b = await newTenant(`b-${randomUUID().slice(0, 8)}`);
  const insertUser = (tenant: string, username: string) =>
    db.withTenant(tenant, () =>
      db.sequelize.query(`INSERT INTO users (id, tenant_id, username, email, first_name, last_name, password_hash) VALUES ($1, $2, $3, $4, 'A', 'B', 'x')`, {
        bind: [randomUUID(), tenant, username, `${username}@example.com`],
      }),
    );
  await insertUser(a, 'alice');
  await insertUser(b, 'bob');
  const seenByA = await db.withTenant(a, async () => (await db.sequelize.query('SELECT username FROM users'))[0]);
  t.deepEqual(seenByA, [{ username: 'alice' }]);
  // Without a tenant set, nothing is visible at all.
  const [unscoped] = await db.sequelize.query('SELECT count(*)::int AS n FROM users');
  t.deepEqual(unscoped, [{ n: 0 }]);
});

test('a tenant cannot write a row into another tenant', async (t) => {
  const a = await newTenant(`c-${randomUUID().slice(0, 8)}`);
  const b = await newTenant(`d-${randomUUID().slice(0, 8)}`);
  await t.throwsAsync(
    db.withTenant(a, () =>
      db.sequelize.query(`INSERT INTO users (id, tenant_id, username, email, first_name, last_name, password_hash) VALUES ($1, $2, 'mallory', 'm@example.com', 'M', 'M', 'x')`, {
        bind: [randomUUID(), b],
      }),
    ),
    { message: /row-level security/ },
  );
});

test('usernames are unique per tenant, case-insensitively', async (t) => {
  const a = await newTenant(`e-${randomUUID().slice(0, 8)}`);
  const insert = (username: string) =>
    db.withTenant(a, () =>
      db.sequelize.query(`INSERT INTO users (id, tenant_id, username, email, first_name, last_name, password_hash) VALUES ($1, $2, $3, $4, 'A', 'B', 'x')`, {
        bind: [randomUUID(), a, username, `${username}-${randomUUID().slice(0, 4)}@x.io`],
      }),
    );
  await insert('Carol');
  await t.throwsAsync(insert('carol'), { message: /unique/ });
});
