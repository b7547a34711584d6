import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { signAccessToken } from '../../infra/auth/jwt';
import type { Database } from '../../infra/db/database';

export interface SeededUser {
  userId: string;
  token: string;
}

/**
 * A tenant with one user per role in `roles`, written straight to the database, with access
 * tokens signed by `jwtSecret`: for tests of real processes, where signing up through REST on
 * each node's embedded mail outbox is out of reach.
 */
export async function seedTenant(databaseUrl: string, jwtSecret: string, roles: ReadonlyArray<'admin' | 'member'>): Promise<{ tenantId: string; users: SeededUser[] }> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const tenantId = randomUUID();
    await client.query(`INSERT INTO tenants (id, name, slug) VALUES ($1, 'Seeded', $2)`, [tenantId, `sd-${tenantId.slice(0, 8)}`]);
    const users: SeededUser[] = [];
    for (const role of roles) {
      const userId = randomUUID();
      const name = `${role.slice(0, 3)}${userId.slice(0, 8)}`;
      await client.query(`INSERT INTO users (id, tenant_id, username, email, first_name, last_name, password_hash, status, role) VALUES ($1, $2, $3, $4, 'N', 'N', 'x', 'A', $5)`, [
        userId,
        tenantId,
        name,
        `${name}@mail.test`,
        role,
      ]);
      users.push({ userId, token: signAccessToken({ sub: userId, tid: tenantId, role, sid: randomUUID() }, jwtSecret, 3600) });
    }
    return { tenantId, users };
  } finally {
    await client.end();
  }
}

/** A tenant with an admin-facilitator (`host`) and a member (`guest`): what most room tests need. */
export async function seedHostAndGuest(databaseUrl: string, jwtSecret: string): Promise<{ tenantId: string; host: SeededUser; guest: SeededUser }> {
  const { tenantId, users } = await seedTenant(databaseUrl, jwtSecret, ['admin', 'member']);
  return { tenantId, host: users[0]!, guest: users[1]! };
}

/**
 * A tenant with `users` members spread over `dojos` live dojos of equal size (the first user of
 * each facilitates it, the others are invited participants), written through `db` as the system,
 * with access tokens signed by `jwtSecret`: for join storms (tests, benchmarks), where thousands
 * of sign-ups through REST would be the whole run.
 */
export async function seedLiveDojos(db: Database, jwtSecret: string, users: number, dojos: number): Promise<{ tenantId: string; dojoIds: string[]; tokens: string[] }> {
  const tenantId = randomUUID();
  const dojoIds = Array.from({ length: dojos }, () => randomUUID());
  const ids = Array.from({ length: users }, () => randomUUID());
  const size = Math.ceil(users / dojos);
  await db.asSystem(async () => {
    const q = (sql: string, bind: unknown[]) => db.sequelize.query(sql, { bind });
    await q(`INSERT INTO tenants (id, name, slug) VALUES ($1, 'Seeded', $2)`, [tenantId, `sd-${tenantId.slice(0, 8)}`]);
    await q(
      `INSERT INTO users (id, tenant_id, username, email, first_name, last_name, password_hash, status)
       SELECT u, $1, 's' || substr(u::text, 1, 8), u::text || '@mail.test', 'S', 'U', 'x', 'A' FROM unnest($2::uuid[]) AS u`,
      [tenantId, ids],
    );
    for (const [i, dojoId] of dojoIds.entries()) {
      const members = ids.slice(i * size, (i + 1) * size);
      await q(`INSERT INTO dojos (id, tenant_id, facilitator_id, subject, dojo_date, status, join_code, max_participants) VALUES ($1, $2, $3, 'Seeded', now(), 'ACTIVE', $4, 1000)`, [
        dojoId,
        tenantId,
        members[0],
        `SEED${String(i).padStart(4, '0')}`,
      ]);
      await q(`INSERT INTO dojo_participants (tenant_id, dojo_id, user_id, role) SELECT $1, $2, u, 'participant' FROM unnest($3::uuid[]) AS u`, [tenantId, dojoId, members.slice(1)]);
    }
  });
  const tokens = ids.map((sub) => signAccessToken({ sub, tid: tenantId, role: 'member', sid: randomUUID() }, jwtSecret, 3600));
  return { tenantId, dojoIds, tokens };
}
