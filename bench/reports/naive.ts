import { QueryTypes } from 'sequelize';
import type { Database } from '../../infra/db/database';

/**
 * The dashboards as one would first write them, each one SQL statement: a correlated subquery per
 * period and figure over a generate_series of days, and the overview's counts through the link
 * tables. The baseline the real queries (actors/render/dashboard) are measured against.
 */
const DAY = (column: string) => `${column} >= g AT TIME ZONE $4 AND ${column} < (g + interval '1 day') AT TIME ZONE $4`;

const NAIVE_USAGE = `
  SELECT g::date AS day,
         (SELECT count(*) FROM pocs p WHERE p.tenant_id = $1 AND p.deleted_at IS NULL AND ${DAY('p.created')}) AS pocs,
         (SELECT count(*) FROM sessions s WHERE s.tenant_id = $1 AND ${DAY('s.created')}) AS logins,
         (SELECT count(DISTINCT u) FROM (
            SELECT s.user_id AS u FROM sessions s WHERE s.tenant_id = $1 AND ${DAY('s.created')}
            UNION ALL SELECT p.owner_id FROM pocs p WHERE p.tenant_id = $1 AND ${DAY('p.created')}
            UNION ALL SELECT dp.user_id FROM dojo_participants dp WHERE dp.tenant_id = $1 AND ${DAY('dp.first_joined_at')}) a) AS active,
         (SELECT count(*) FROM dojos d WHERE d.tenant_id = $1 AND d.started_at IS NOT NULL AND ${DAY('d.dojo_date')}) AS dojos,
         (SELECT coalesce(sum(extract(epoch FROM d.ended_at - d.started_at) / 60), 0) FROM dojos d WHERE d.tenant_id = $1 AND ${DAY('d.dojo_date')}) AS minutes
    FROM generate_series($2::date::timestamp, $3::date::timestamp, interval '1 day') g`;

const NAIVE_OVERVIEW = `
  SELECT (SELECT json_agg(x) FROM (SELECT status, count(*) FROM users WHERE tenant_id = $1 GROUP BY 1) x) AS members,
         (SELECT json_agg(x) FROM (SELECT p.language, count(*) FROM pocs p WHERE p.tenant_id = $1 AND p.deleted_at IS NULL GROUP BY 1 ORDER BY 2 DESC LIMIT 20) x) AS languages,
         (SELECT json_agg(x) FROM (SELECT t.tag_key, count(*) FROM poc_tags t JOIN pocs p ON p.id = t.poc_id WHERE t.tenant_id = $1 AND p.deleted_at IS NULL GROUP BY 1 ORDER BY 2 DESC LIMIT 20) x) AS tags,
         (SELECT json_agg(x) FROM (SELECT f.framework_key, count(*) FROM poc_frameworks f JOIN pocs p ON p.id = f.poc_id WHERE f.tenant_id = $1 AND p.deleted_at IS NULL GROUP BY 1 ORDER BY 2 DESC LIMIT 20) x) AS frameworks,
         (SELECT count(*) FROM dojos d JOIN dojo_participants dp ON dp.dojo_id = d.id WHERE d.tenant_id = $1) AS participants,
         (SELECT sum(size_bytes) FROM recordings WHERE tenant_id = $1) AS recordings`;

const NAIVE_POC = `
  SELECT p.*, u.username, count(f.user_id) AS favourites, bool_or(f.user_id = $3) AS mine
    FROM pocs p JOIN users u ON u.id = p.owner_id LEFT JOIN poc_favorites f ON f.poc_id = p.id
   WHERE p.tenant_id = $1 AND p.id = $2 GROUP BY p.id, u.username`;

export function naive(db: Database, tenantId: string) {
  const run = (sql: string, bind: unknown[]) => db.withTenant(tenantId, () => db.sequelize.query(sql, { bind, type: QueryTypes.SELECT }));
  return {
    usage: (from: string, to: string, timeZone: string) => run(NAIVE_USAGE, [tenantId, from, to, timeZone]),
    overview: () => run(NAIVE_OVERVIEW, [tenantId]),
    pocSummary: (pocId: string, userId: string) => run(NAIVE_POC, [tenantId, pocId, userId]),
  };
}
