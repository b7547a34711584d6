import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../config';
import { startNode } from '../../deploy/node';
import { signAccessToken } from '../../infra/auth/jwt';
import type { Database } from '../../infra/db/database';

/**
 * A benchmark node: `SERVICES` and the other settings as usual (the benchmarks lift the chat limit
 * with DOJO_CHAT_PER_SECOND / DOJO_CHAT_BURST), and a seeded tenant, users and live dojo when
 * BENCH_USERS=N. Prints one JSON line `{"benchReady": {...}}` on stdout.
 */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const node = await startNode(config);
  const users = Number(process.env.BENCH_USERS ?? 0);
  const dojos = Number(process.env.BENCH_DOJOS ?? 1);
  const db = node.infra.database;
  const seeded = users > 0 && db ? await seed(db, users, dojos, node.infra.jwtSecret) : undefined;
  // SIGUSR2: prints how many members have an attendance row (first_joined_at), for the join storm's count.
  process.on('SIGUSR2', () => {
    void db
      ?.asSystem(() => db.sequelize.query(`SELECT count(*)::int AS n FROM dojo_participants WHERE first_joined_at IS NOT NULL`, { plain: true }))
      .then((row) => process.stdout.write(`${JSON.stringify({ benchAttended: (row as { n: number } | null)?.n ?? 0 })}\n`));
  });
  process.stdout.write(`${JSON.stringify({ benchReady: { port: node.port, opsPort: node.opsPort, pid: process.pid, ...seeded } })}\n`);
  const stop = () => void node.stop().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/** `users` users in `dojos` live dojos of equal size; the first user of each facilitates it. */
async function seed(db: Database, users: number, dojos: number, secret: string) {
  const tenantId = randomUUID();
  const dojoIds = Array.from({ length: dojos }, () => randomUUID());
  const dojoId = dojoIds[0] as string;
  const ids = Array.from({ length: users }, () => randomUUID());
  const size = Math.ceil(users / dojos);
  await db.asSystem(async () => {
    const q = (sql: string, bind: unknown[]) => db.sequelize.query(sql, { bind });
    await q(`INSERT INTO tenants (id, name, slug) VALUES ($1, 'Bench', $2)`, [tenantId, `bench-${tenantId.slice(0, 8)}`]);
    await q(
      `INSERT INTO users (id, tenant_id, username, email, first_name, last_name, password_hash, status)
       SELECT u, $1, 'b' || substr(u::text, 1, 8), u::text || '@bench.test', 'B', 'U', 'x', 'A' FROM unnest($2::uuid[]) AS u`,
      [tenantId, ids],
    );
    for (const [i, id] of dojoIds.entries()) {
      const members = ids.slice(i * size, (i + 1) * size);
      const code = `BENCH${String(i).padStart(4, '0')}`;
      await q(`INSERT INTO dojos (id, tenant_id, facilitator_id, subject, dojo_date, status, join_code, max_participants) VALUES ($1, $2, $3, 'Bench', now(), 'ACTIVE', $4, 1000)`, [
        id,
        tenantId,
        members[0],
        code,
      ]);
      await q(`INSERT INTO dojo_participants (tenant_id, dojo_id, user_id, role) SELECT $1, $2, u, 'participant' FROM unnest($3::uuid[]) AS u`, [tenantId, id, members.slice(1)]);
    }
  });
  const tokens = ids.map((sub) => signAccessToken({ sub, tid: tenantId, role: 'member', sid: randomUUID() }, secret, 3600));
  return { tenantId, dojoId, dojoIds, tokens };
}

main().catch((error: Error) => {
  process.stderr.write(`bench server failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
