import { loadConfig } from '../../config';
import { startNode } from '../../deploy/node';
import { seedLiveDojos } from '../../test/support/seed';

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
  const seeded = users > 0 && db ? await seedLiveDojos(db, node.infra.jwtSecret, users, dojos).then((seeded) => ({ ...seeded, dojoId: seeded.dojoIds[0] })) : undefined;
  // SIGUSR2: prints how many members have an attendance row (first_joined_at), for the join storm's
  // count, and the transactions the database committed so far (the chat group commit's size).
  process.on('SIGUSR2', () => {
    void db
      ?.asSystem(() =>
        db.sequelize.query(
          `SELECT (SELECT count(*)::int FROM dojo_participants WHERE first_joined_at IS NOT NULL) AS n,
                  (SELECT xact_commit::bigint FROM pg_stat_database WHERE datname = current_database()) AS commits`,
          { plain: true },
        ),
      )
      .then((row) => {
        const r = row as { n: number; commits: string } | null;
        process.stdout.write(`${JSON.stringify({ benchAttended: r?.n ?? 0, benchCommits: Number(r?.commits ?? 0) })}\n`);
      });
  });
  process.stdout.write(`${JSON.stringify({ benchReady: { port: node.port, opsPort: node.opsPort, pid: process.pid, ...seeded } })}\n`);
  const stop = () => void node.stop().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: Error) => {
  process.stderr.write(`bench server failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
