import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { signAccessToken } from '../../infra/auth/jwt';

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
