import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { loadConfig } from '../../config';
import { quietDependencyWarnings } from '../../config/runtime';
import { startNode, type RunningNode } from '../../deploy/node';
import type { Database } from '../../infra/db/database';
import { tempDataDir } from '../../test/support/dirs';

export const YEAR = new Date().getUTCFullYear() - 1;

export interface RenderBenchNode {
  node: RunningNode;
  database: Database;
  stop(): Promise<void>;
}

/**
 * A node hosting only the render actor, on the embedded defaults (or the services the environment
 * names), in a fresh namespace and DATA_DIR.
 */
export async function startRenderNode(env: Record<string, string> = {}): Promise<RenderBenchNode> {
  quietDependencyWarnings();
  const dataDir = await tempDataDir();
  const node = await startNode(
    loadConfig({
      DATA_DIR: dataDir.path,
      SERVICES: 'render',
      LOG_LEVEL: 'warn',
      OPS_PORT: '0',
      NAMESPACE: `bench-render-${process.pid}-${Date.now()}`,
      DATABASE_URL: process.env.DATABASE_URL,
      S3_ENDPOINT: process.env.S3_ENDPOINT,
      ...env,
    }),
  );
  return {
    node,
    database: node.infra.database!,
    async stop() {
      await node.stop();
      await dataDir.remove();
    },
  };
}

const q = (db: Database, sql: string, bind: unknown[] = []) => db.sequelize.query(sql, { bind, type: QueryTypes.SELECT });

/** A tenant with `users` active users (the first an admin); returns their ids. */
export async function seedTenant(db: Database, users: number): Promise<{ tenantId: string; userIds: string[] }> {
  const tenantId = randomUUID();
  const userIds = Array.from({ length: users }, () => randomUUID());
  await db.asSystem(async () => {
    await q(db, `INSERT INTO tenants (id, name, slug) VALUES ($1, 'Bench Corp', $2) RETURNING id`, [tenantId, `bench-${tenantId.slice(0, 8)}`]);
    for (const [i, id] of userIds.entries()) {
      await q(
        db,
        `INSERT INTO users (id, tenant_id, username, email, first_name, last_name, password_hash, status, role)
                   VALUES ($1, $2, $3, $4, 'Bench', $5, 'x', 'A', $6) RETURNING id`,
        [id, tenantId, `u${i}`, `u${i}@bench.test`, `User ${i}`, i === 0 ? 'admin' : 'member'],
      );
    }
  });
  return { tenantId, userIds };
}

const LANGUAGES = ['TypeScript', 'Go', 'Rust', 'Python', 'Java', 'Kotlin', 'Swift', 'Elixir'];
const TAGS = ['web', 'api', 'cli', 'data', 'ml', 'infra', 'mobile', 'security', 'perf', 'ui', 'db', 'queue'];
const FRAMEWORKS = ['Express', 'React', 'Spring', 'Django', 'Phoenix', 'Gin', 'Axum', 'SwiftUI'];

/**
 * `count` POCs spread over the year and over `owners`, two tags and one framework each, written
 * in bulk with generate_series: the rows, the label arrays the poc actor keeps on them, and the
 * link tables.
 */
export async function seedPocs(db: Database, tenantId: string, owners: string[], count: number): Promise<void> {
  await db.withTenant(tenantId, async () => {
    const ids = (await q(
      db,
      `
      INSERT INTO pocs (id, tenant_id, owner_id, name, description, repo_url, language, language_key, created, updated, tags, tag_keys, frameworks, framework_keys)
      SELECT gen_random_uuid(), $1, ($2::uuid[])[1 + i % array_length($2::uuid[], 1)], 'Proof of concept ' || i,
             'A proof of concept about ' || ($4::text[])[1 + i % 12] || ' that tries one idea end to end, measured and written up for the team.',
             'https://git.example.com/bench/poc-' || i, ($3::text[])[1 + i % 8], lower(($3::text[])[1 + i % 8]),
             make_timestamptz($6, 1, 1, 0, 0, 0, 'UTC') + (i % 365) * interval '1 day' + (i % 86400) * interval '1 second', now(),
             ARRAY[($4::text[])[1 + i % 12], ($4::text[])[1 + (7 * i + 5) % 12]], ARRAY[lower(($4::text[])[1 + i % 12]), lower(($4::text[])[1 + (7 * i + 5) % 12])],
             ARRAY[($5::text[])[1 + i % 8]], ARRAY[lower(($5::text[])[1 + i % 8])]
        FROM generate_series(1, $7) AS i RETURNING id`,
      [tenantId, owners, LANGUAGES, TAGS, FRAMEWORKS, YEAR, count],
    )) as Array<{ id: string }>;
    const mine = ids.map((r) => r.id);
    await q(
      db,
      `INSERT INTO poc_tags (tenant_id, poc_id, tag, tag_key, created)
                 SELECT p.tenant_id, p.id, l.label, l.key, p.created FROM pocs p, unnest(p.tags, p.tag_keys) AS l(label, key)
                  WHERE p.tenant_id = $1 AND p.id = ANY($2::uuid[]) RETURNING poc_id`,
      [tenantId, mine],
    );
    await q(
      db,
      `INSERT INTO poc_frameworks (tenant_id, poc_id, framework, framework_key, created)
                 SELECT p.tenant_id, p.id, l.label, l.key, p.created FROM pocs p, unnest(p.frameworks, p.framework_keys) AS l(label, key)
                  WHERE p.tenant_id = $1 AND p.id = ANY($2::uuid[]) RETURNING poc_id`,
      [tenantId, mine],
    );
  });
}

/** Polls rows of a job table until none of `ids` is PENDING or PROCESSING. */
export async function waitForRows(db: Database, table: 'reports' | 'content_requests', ids: string[]): Promise<void> {
  for (;;) {
    const [open] = (await db.asSystem(() => q(db, `SELECT count(*)::int AS n FROM ${table} WHERE id = ANY($1::uuid[]) AND status IN ('PENDING', 'PROCESSING')`, [ids]))) as Array<{ n: number }>;
    if (open!.n === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
