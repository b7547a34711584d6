import type { Sql } from '../../../infra/db/sql';
import type { GROUP_BY } from '../../../protocol/rest/reports';
import { tagBinds, tagged } from './tags';
import { TOP_LEVEL_DOJO } from '../dojoScope';

export type GroupBy = (typeof GROUP_BY)[number];

export interface UsageFigures {
  active_users: number;
  logins: number;
  pocs_created: number;
  dojos_held: number;
  dojo_minutes: number;
  katas_run: number;
  renders: number;
}

export interface Usage {
  totals: UsageFigures;
  buckets: Array<UsageFigures & { start: string }>;
}

// Binds: $1 tenant, $2 from date, $3 to date (inclusive), $4 time zone, $5 day|week|month, $6 user or null,
// $7/$8 tag keys a counted POC must carry one of / must carry none of (null: no filter).
// The range's ends are the tenant's midnights, as instants: a stable expression, evaluated once
// per query, so the (tenant_id, created) indexes serve the range.
const LO = `(($2::date)::timestamp AT TIME ZONE $4)`;
const HI = `(($3::date + 1)::timestamp AT TIME ZONE $4)`;
const inRange = (column: string) => `${column} >= ${LO} AND ${column} < ${HI}`;
/** The tenant-local period an instant falls in, as text (pg turns a date into a local-midnight Date). */
const period = (column: string) => `to_char(date_trunc($5, ${column} AT TIME ZONE $4), 'YYYY-MM-DD')`;

const TAGGED = tagged(7, 8);

const HELD = `d.tenant_id = $1 AND ${TOP_LEVEL_DOJO()} AND ${inRange('d.dojo_date')} AND d.started_at IS NOT NULL AND d.status <> 'CANCELLED'
  AND ($6::uuid IS NULL OR EXISTS (SELECT 1 FROM dojo_participants dp WHERE dp.tenant_id = $1 AND dp.dojo_id = d.id AND dp.user_id = $6 AND dp.first_joined_at IS NOT NULL))`;

// A kata counts in the period it started; a user's slice has the katas they facilitated or had a room in.
const KATAS = `k.tenant_id = $1 AND ${inRange('k.started_at')}
  AND ($6::uuid IS NULL OR k.facilitator_id = $6 OR EXISTS (SELECT 1 FROM kata_room_members m WHERE m.tenant_id = $1 AND m.kata_id = k.id AND m.user_id = $6))`;

/** Who did something, when: a login, a POC, joining a dojo. */
const ACTIVITY = `
  SELECT user_id, created AS at FROM sessions WHERE tenant_id = $1 AND ${inRange('created')} AND ($6::uuid IS NULL OR user_id = $6)
  UNION ALL
  SELECT owner_id, created FROM pocs WHERE tenant_id = $1 AND deleted_at IS NULL AND ${inRange('created')} AND ($6::uuid IS NULL OR owner_id = $6)
  UNION ALL
  SELECT user_id, first_joined_at FROM dojo_participants WHERE tenant_id = $1 AND ${inRange('first_joined_at')} AND ($6::uuid IS NULL OR user_id = $6)`;

/**
 * Every figure per period in one round trip: one aggregate per source, tagged with its metric.
 * The `bucket` rows list every period of the range, so periods without activity show as zeros;
 * the `active` row without a period is the range's distinct users (not a sum of the periods').
 */
const USAGE = `
  SELECT 'bucket' AS metric, to_char(g, 'YYYY-MM-DD') AS start, 0 AS n
    FROM generate_series(date_trunc($5, $2::date::timestamp), $3::date::timestamp, ('1 ' || $5)::interval) g
  UNION ALL
  SELECT 'logins', ${period('created')}, count(*)::int FROM sessions
   WHERE tenant_id = $1 AND ${inRange('created')} AND ($6::uuid IS NULL OR user_id = $6) GROUP BY 2
  UNION ALL
  SELECT 'pocs_created', ${period('created')}, count(*)::int FROM pocs
   WHERE tenant_id = $1 AND deleted_at IS NULL AND ${inRange('created')} AND ($6::uuid IS NULL OR owner_id = $6) AND ${TAGGED} GROUP BY 2
  UNION ALL
  SELECT 'dojos_held', ${period('d.dojo_date')}, count(*)::int FROM dojos d WHERE ${HELD} GROUP BY 2
  UNION ALL
  SELECT 'dojo_minutes', ${period('d.dojo_date')}, coalesce(sum(round(extract(epoch FROM (d.ended_at - d.started_at)) / 60)), 0)::int FROM dojos d WHERE ${HELD} GROUP BY 2
  UNION ALL
  SELECT 'katas_run', ${period('k.started_at')}, count(*)::int FROM katas k WHERE ${KATAS} GROUP BY 2
  UNION ALL
  SELECT 'renders', ${period('completed_at')}, count(*)::int FROM (
    SELECT completed_at FROM reports WHERE tenant_id = $1 AND status = 'COMPLETED' AND ${inRange('completed_at')} AND ($6::uuid IS NULL OR user_id = $6)
    UNION ALL
    SELECT completed_at FROM content_requests WHERE tenant_id = $1 AND status = 'COMPLETED' AND ${inRange('completed_at')} AND ($6::uuid IS NULL OR user_id = $6)
  ) r GROUP BY 2
  UNION ALL
  SELECT 'active_users', p, count(DISTINCT user_id)::int FROM (SELECT user_id, ${period('at')} AS p FROM (${ACTIVITY}) a) x GROUP BY GROUPING SETS ((p), ())`;

const ZERO: UsageFigures = { active_users: 0, logins: 0, pocs_created: 0, dojos_held: 0, dojo_minutes: 0, katas_run: 0, renders: 0 };

export interface UsageQuery {
  tenantId: string;
  from: string;
  to: string;
  timeZone: string;
  groupBy: GroupBy;
  userId: string | null;
  /** POCs counted only with one of these tags / none of these (an export's filters). */
  tags?: string[];
  excludeTags?: string[];
}

export async function loadUsage(sql: Sql, q: UsageQuery): Promise<Usage> {
  const bind = [q.tenantId, q.from, q.to, q.timeZone, q.groupBy, q.userId, ...tagBinds(q)];
  const rows = await sql.tenant(q.tenantId, () => sql.rows<{ metric: keyof UsageFigures | 'bucket'; start: string | null; n: number }>(USAGE, bind));
  const buckets = new Map<string, UsageFigures & { start: string }>();
  for (const row of rows) if (row.metric === 'bucket' && row.start) buckets.set(row.start, { start: row.start, ...ZERO });
  const totals = { ...ZERO };
  for (const row of rows) {
    if (row.metric === 'bucket') continue;
    if (row.start === null) totals[row.metric] = row.n;
    else {
      const bucket = buckets.get(row.start);
      if (bucket) bucket[row.metric] += row.n;
      if (row.metric !== 'active_users') totals[row.metric] += row.n;
    }
  }
  return { totals, buckets: [...buckets.values()] };
}
