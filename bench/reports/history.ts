import { QueryTypes } from 'sequelize';
import type { Database } from '../../infra/db/database';

const q = (db: Database, sql: string, bind: unknown[] = []) => db.sequelize.query(sql, { bind, type: QueryTypes.SELECT });

/**
 * A tenant's activity beside its POCs, in bulk: `logins` sessions and `dojos` held dojos (with
 * participants) spread over the year before `year`'s end, a few finished renders and favourites.
 */
export async function seedHistory(db: Database, tenantId: string, users: string[], year: number, sizes: { logins: number; dojos: number }): Promise<void> {
  await db.withTenant(tenantId, async () => {
    await q(
      db,
      `INSERT INTO sessions (id, tenant_id, user_id, created, last_seen)
       SELECT gen_random_uuid(), $1, ($2::uuid[])[1 + i % array_length($2::uuid[], 1)], t, t
         FROM generate_series(1, $4) AS i, LATERAL (SELECT make_timestamptz($3, 1, 1, 0, 0, 0, 'UTC') + (i % 365) * interval '1 day' + (i * 7919 % 86400) * interval '1 second' AS t) x
       RETURNING id`,
      [tenantId, users, year, sizes.logins],
    );
    const dojos = (await q(
      db,
      `INSERT INTO dojos (id, tenant_id, facilitator_id, subject, dojo_date, status, join_code, started_at, ended_at)
       SELECT gen_random_uuid(), $1, $2, 'Dojo ' || i, t, 'COMPLETED', 'b' || i, t, t + (30 + i % 90) * interval '1 minute'
         FROM generate_series(1, $4) AS i, LATERAL (SELECT make_timestamptz($3, 1, 1, 18, 0, 0, 'UTC') + (i % 365) * interval '1 day' AS t) x
       RETURNING id`,
      [tenantId, users[0], year, sizes.dojos],
    )) as Array<{ id: string }>;
    await q(
      db,
      `INSERT INTO dojo_participants (tenant_id, dojo_id, user_id, first_joined_at)
       SELECT $1, d.id, u.id, d.dojo_date
         FROM dojos d CROSS JOIN LATERAL (SELECT id FROM unnest($2::uuid[]) WITH ORDINALITY AS x(id, n) WHERE n % 8 = (abs(hashtext(d.id::text)) % 8)) u
        WHERE d.tenant_id = $1 AND d.id = ANY($3::uuid[])
       RETURNING user_id`,
      [tenantId, users, dojos.map((d) => d.id)],
    );
    await q(
      db,
      `INSERT INTO poc_favorites (tenant_id, user_id, poc_id)
       SELECT $1, ($2::uuid[])[1 + (row_number() OVER ()) % array_length($2::uuid[], 1)], id FROM (SELECT id FROM pocs WHERE tenant_id = $1 LIMIT 20000) p
       ON CONFLICT DO NOTHING RETURNING poc_id`,
      [tenantId, users],
    );
  });
}
