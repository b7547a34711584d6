import type { Sql } from '../../../infra/db/sql';
import { loadBillingState, type BillingState } from '../report/BillingData';
import { tagBinds, tagged, type TagFilter } from './tags';
import { TOP_LEVEL_DOJO } from '../dojoScope';

interface Count {
  name: string;
  count: number;
}

export interface TenantOverview {
  members: { total: number; by_status: Count[]; by_role: Count[] };
  pocs: { total: number; public: number; by_language: Count[]; by_tag: Count[]; by_framework: Count[] };
  dojos: { by_status: Count[]; held: number; minutes: number; participants: number; held_last_30_days: number };
  storage: { recordings: Stored; videos: Stored; reports: Stored; total_bytes: number };
  billing: BillingState;
}

interface Stored {
  count: number;
  bytes: number;
}

const TOP = 20;
const STATUS_NAMES: Record<string, string> = { A: 'ACTIVE', C: 'UNCONFIRMED', D: 'DISABLED' };

/** The POC queries' tag filter: binds $2 and $3 (null, null: every POC). */
const TAGGED = tagged(2, 3, 'p.');

/** A value's display form: poc_labels' (migration 910), as search shows it; the key if none was recorded. */
const labelled = (dim: string, counted: string) => `
  SELECT coalesce(lb.display, x.key) AS name, x.count FROM (${counted}) x
    LEFT JOIN poc_labels lb ON lb.tenant_id = $1 AND lb.dim = '${dim}' AND lb.key = x.key
   ORDER BY x.count DESC, name LIMIT ${TOP}`;

/** Top values from the arrays the poc actor keeps on each POC row (as the annual report reads them). */
const topLabels = (dim: string, keys: string) =>
  labelled(dim, `SELECT l.key, count(*)::int AS count FROM pocs p CROSS JOIN LATERAL unnest(p.${keys}) AS l(key) WHERE p.tenant_id = $1 AND p.deleted_at IS NULL AND ${TAGGED} GROUP BY l.key`);

/**
 * The tenant at a glance, for its admins. Each figure is one aggregate query in one tenant scope.
 * `tags` (an export's) filters the POC figures; members, dojos and storage carry no tags.
 */
export function loadTenantOverview(sql: Sql, tenantId: string, tags?: TagFilter): Promise<TenantOverview> {
  const t = [tenantId];
  const p = [tenantId, ...tagBinds(tags)];
  return sql.tenant(tenantId, async () => {
    const byStatus = await sql.rows<Count>(`SELECT status AS name, count(*)::int AS count FROM users WHERE tenant_id = $1 GROUP BY 1 ORDER BY 1`, t);
    const byRole = await sql.rows<Count>(`SELECT role AS name, count(*)::int AS count FROM users WHERE tenant_id = $1 GROUP BY 1 ORDER BY 1`, t);
    const { pocs, byLanguage, byTag, byFramework } = tags?.tags?.length || tags?.excludeTags?.length ? await pocFiguresOfRows(sql, p) : await pocFiguresOfCounts(sql, tenantId);
    const dojoStatus = await sql.rows<Count>(`SELECT status AS name, count(*)::int AS count FROM dojos d WHERE d.tenant_id = $1 AND ${TOP_LEVEL_DOJO()} GROUP BY 1 ORDER BY 1`, t);
    const held = await sql.one<{ held: number; minutes: number; participants: number; recent: number }>(
      `SELECT count(*)::int AS held,
              coalesce(sum(round(extract(epoch FROM (d.ended_at - d.started_at)) / 60)), 0)::int AS minutes,
              coalesce(sum(j.n), 0)::int AS participants,
              count(*) FILTER (WHERE d.dojo_date >= now() - interval '30 days')::int AS recent
         FROM dojos d
         -- Joined per dojo in one grouped pass, not a subquery per dojo.
         LEFT JOIN (SELECT dojo_id, count(*) AS n FROM dojo_participants WHERE tenant_id = $1 AND first_joined_at IS NOT NULL GROUP BY dojo_id) j ON j.dojo_id = d.id
        WHERE d.tenant_id = $1 AND ${TOP_LEVEL_DOJO()} AND d.started_at IS NOT NULL AND d.status <> 'CANCELLED'`,
      t,
    );
    const stored = await sql.rows<{ what: 'recordings' | 'videos' | 'reports'; count: number; bytes: string }>(
      `SELECT 'recordings' AS what, count(*)::int AS count, coalesce(sum(size_bytes), 0) AS bytes FROM recordings WHERE tenant_id = $1 AND status = 'READY'
       UNION ALL
       SELECT 'videos', count(*)::int, coalesce(sum(size_bytes), 0) FROM content_requests WHERE tenant_id = $1 AND status = 'COMPLETED' AND deleted_at IS NULL
       UNION ALL
       SELECT 'reports', count(*)::int, coalesce(sum(size_bytes), 0) FROM reports WHERE tenant_id = $1 AND status = 'COMPLETED'`,
      t,
    );
    const billing = await loadBillingState(sql, tenantId);
    const storage = Object.fromEntries(stored.map((s) => [s.what, { count: s.count, bytes: Number(s.bytes) }])) as Record<'recordings' | 'videos' | 'reports', Stored>;
    return {
      members: {
        total: byStatus.reduce((sum, c) => sum + c.count, 0),
        by_status: byStatus.map((c) => ({ name: STATUS_NAMES[c.name] ?? c.name, count: c.count })),
        by_role: byRole,
      },
      pocs: { total: pocs?.total ?? 0, public: pocs?.public ?? 0, by_language: byLanguage, by_tag: byTag, by_framework: byFramework },
      dojos: { by_status: dojoStatus, held: held?.held ?? 0, minutes: held?.minutes ?? 0, participants: held?.participants ?? 0, held_last_30_days: held?.recent ?? 0 },
      storage: { ...storage, total_bytes: stored.reduce((sum, s) => sum + Number(s.bytes), 0) },
      billing,
    };
  });
}

interface PocFigures {
  pocs: { total: number; public: number } | undefined;
  byLanguage: Count[];
  byTag: Count[];
  byFramework: Count[];
}

/**
 * The POC figures from the counts the pocs table's trigger keeps (migration 932) plus the writes
 * not folded into them yet (migration 933), in one statement: a few hundred rows whatever the
 * tenant's size. Ties are broken by name, as the row path does.
 */
async function pocFiguresOfCounts(sql: Sql, tenantId: string): Promise<PocFigures> {
  const rows = await sql.rows<{ dim: string; name: string; count: number }>(
    `SELECT c.dim, coalesce(lb.display, c.key) AS name, c.n AS count FROM (
       SELECT dim, key, sum(n)::int AS n FROM (
         SELECT dim, key, n FROM poc_overview_counts WHERE tenant_id = $1
         UNION ALL
         SELECT x.dim, x.key, d.n FROM poc_overview_deltas d,
                poc_overview_values(d.is_public, d.language_key, d.tag_keys, d.framework_keys) AS x
          WHERE d.tenant_id = $1) u
        GROUP BY dim, key) c
       LEFT JOIN poc_labels lb ON lb.tenant_id = $1 AND lb.dim = c.dim AND lb.key = c.key
      WHERE c.n > 0 ORDER BY c.n DESC, name`,
    [tenantId],
  );
  const of = (dim: string) =>
    rows
      .filter((r) => r.dim === dim)
      .slice(0, TOP)
      .map(({ name, count }) => ({ name, count }));
  const one = (dim: string) => rows.find((r) => r.dim === dim)?.count ?? 0;
  return { pocs: { total: one('*'), public: one('public') }, byLanguage: of('language'), byTag: of('tag'), byFramework: of('framework') };
}

/** The POC figures counted from the rows: for a tag filter, which the counts do not hold. Binds: tenant, tag filter. */
async function pocFiguresOfRows(sql: Sql, p: unknown[]): Promise<PocFigures> {
  const pocs = await sql.one<{ total: number; public: number }>(
    `SELECT count(*)::int AS total, count(*) FILTER (WHERE is_public)::int AS public FROM pocs p WHERE tenant_id = $1 AND deleted_at IS NULL AND ${TAGGED}`,
    p,
  );
  const byLanguage = await sql.rows<Count>(
    labelled('language', `SELECT language_key AS key, count(*)::int AS count FROM pocs p WHERE tenant_id = $1 AND deleted_at IS NULL AND ${TAGGED} GROUP BY language_key`),
    p,
  );
  const byTag = await sql.rows<Count>(topLabels('tag', 'tag_keys'), p);
  const byFramework = await sql.rows<Count>(topLabels('framework', 'framework_keys'), p);
  return { pocs, byLanguage, byTag, byFramework };
}
