import type { Sql } from '../../../infra/db/sql';
import { yearBounds } from '../locale/calendar';
import { DEFAULT_LOCALE } from '../locale/settings';
import { tagBinds, tagged, type TagFilter } from '../dashboard/tags';
import { TOP_LEVEL_DOJO } from '../dojoScope';

export interface Count {
  name: string;
  count: number;
}

export interface ActiveUser {
  username: string;
  name: string;
  pocs: number;
  dojos: number;
}

export interface DojoHeld {
  subject: string;
  date: Date;
  participants: number;
  minutes: number;
}

/** The figures of a tenant's annual report (issue 7), all for one calendar year of the tenant's time zone. */
export interface AnnualFigures {
  tenant: { name: string; slug: string };
  year: number;
  generatedAt: string;
  totals: { pocs: number; authors: number; languages: number; dojos: number; dojoParticipants: number; dojoMinutes: number; videos: number };
  /** Twelve entries, January first. */
  pocsPerMonth: number[];
  languages: Count[];
  tags: Count[];
  frameworks: Count[];
  users: ActiveUser[];
  dojos: DojoHeld[];
}

const TOP = 10;
// The report lists dojos one by one; past this many, the totals still count them all.
const MAX_DOJOS_LISTED = 500;

/** Reads the annual figures with aggregate queries, so a tenant's size changes query time, not memory. */
export class AnnualData {
  constructor(readonly sql: Sql) {}

  /**
   * `timeZone` says when the year starts and ends: a POC at 23:30 on 31 December in São Paulo is
   * that year's. `tags` filters the POC figures (an export's tags / exclude_tags); dojos and
   * videos carry no tags and are counted whole.
   */
  load(tenantId: string, year: number, timeZone = DEFAULT_LOCALE.timeZone, tags?: TagFilter): Promise<AnnualFigures> {
    return this.sql.tenant(tenantId, async () => {
      const range = [tenantId, ...(await yearBounds(this.sql, year, timeZone))];
      // POC queries: the range, then the tag filter's keys at $4 and $5.
      const pocs = [...range, ...tagBinds(tags)];
      const tenant = await this.sql.one<{ name: string; slug: string }>('SELECT name, slug FROM tenants WHERE id = $1', [tenantId]);
      const months = await this.sql.rows<{ month: number; n: number }>(
        `SELECT extract(month FROM created AT TIME ZONE $6)::int AS month, count(*)::int AS n FROM pocs
          WHERE tenant_id = $1 AND deleted_at IS NULL AND created >= $2 AND created < $3 AND ${TAGGED} GROUP BY 1`,
        [...pocs, timeZone],
      );
      const languages = await this.sql.rows<Count>(
        `SELECT min(language) AS name, count(*)::int AS count FROM pocs
          WHERE tenant_id = $1 AND deleted_at IS NULL AND created >= $2 AND created < $3 AND ${TAGGED}
          GROUP BY language_key ORDER BY count DESC, name`,
        pocs,
      );
      const topTags = await this.#top('tag', pocs);
      const frameworks = await this.#top('framework', pocs);
      const users = await this.sql.rows<ActiveUser & { user_id: string }>(
        `SELECT u.username, u.first_name || ' ' || u.last_name AS name, p.n::int AS pocs,
                (SELECT count(*)::int FROM dojo_participants dp JOIN dojos d ON d.id = dp.dojo_id
                  WHERE dp.tenant_id = $1 AND dp.user_id = u.id AND dp.first_joined_at IS NOT NULL
                    AND d.tenant_id = $1 AND d.dojo_date >= $2 AND d.dojo_date < $3) AS dojos
           FROM (SELECT owner_id, count(*) AS n FROM pocs
                  WHERE tenant_id = $1 AND deleted_at IS NULL AND created >= $2 AND created < $3 AND ${TAGGED}
                  GROUP BY owner_id ORDER BY n DESC LIMIT ${TOP}) p
           JOIN users u ON u.id = p.owner_id AND u.tenant_id = $1
          ORDER BY p.n DESC, u.username`,
        pocs,
      );
      const authors = await this.sql.one<{ n: number }>(
        `SELECT count(DISTINCT owner_id)::int AS n FROM pocs WHERE tenant_id = $1 AND deleted_at IS NULL AND created >= $2 AND created < $3 AND ${TAGGED}`,
        pocs,
      );
      const dojoTotals = await this.sql.one<{ n: number; participants: number; minutes: number }>(
        `SELECT count(*)::int AS n, coalesce(sum(participants), 0)::int AS participants, coalesce(sum(minutes), 0)::int AS minutes FROM (${HELD_DOJOS}) held`,
        range,
      );
      const dojos = await this.sql.rows<{ subject: string; dojo_date: Date; participants: number; minutes: number }>(`${HELD_DOJOS} ORDER BY dojo_date, subject LIMIT ${MAX_DOJOS_LISTED}`, range);
      const videos = await this.sql.one<{ n: number }>(`SELECT count(*)::int AS n FROM content_requests WHERE tenant_id = $1 AND year = $2 AND status = 'COMPLETED' AND deleted_at IS NULL`, [
        tenantId,
        year,
      ]);
      const pocsPerMonth = Array.from({ length: 12 }, (_, i) => months.find((m) => m.month === i + 1)?.n ?? 0);
      return {
        tenant: tenant ?? { name: '', slug: '' },
        year,
        generatedAt: new Date().toISOString(),
        totals: {
          pocs: pocsPerMonth.reduce((a, b) => a + b, 0),
          authors: authors?.n ?? 0,
          languages: languages.length,
          dojos: dojoTotals?.n ?? 0,
          dojoParticipants: dojoTotals?.participants ?? 0,
          dojoMinutes: dojoTotals?.minutes ?? 0,
          videos: videos?.n ?? 0,
        },
        pocsPerMonth,
        languages,
        tags: topTags,
        frameworks,
        users: users.map(({ username, name, pocs, dojos: attended }) => ({ username, name, pocs, dojos: attended })),
        dojos: dojos.map((d) => ({ subject: d.subject, date: d.dojo_date, participants: d.participants, minutes: d.minutes })),
      };
    });
  }

  /**
   * Top labels from the arrays the poc actor keeps on each POC row (migration 200) rather than by
   * joining the link tables: one pass over the year's POCs whatever the planner's estimates
   * (a join planned on stale statistics took 7.5 s for 10,000 POCs).
   */
  #top(kind: 'tag' | 'framework', range: unknown[]): Promise<Count[]> {
    const [labels, keys] = kind === 'tag' ? ['tags', 'tag_keys'] : ['frameworks', 'framework_keys'];
    return this.sql.rows<Count>(
      `SELECT min(l.label) AS name, count(*)::int AS count
         FROM pocs p CROSS JOIN LATERAL unnest(p.${labels}, p.${keys}) AS l(label, key)
        WHERE p.tenant_id = $1 AND p.deleted_at IS NULL AND p.created >= $2 AND p.created < $3 AND ${tagged(4, 5, 'p.')}
        GROUP BY l.key ORDER BY count DESC, name LIMIT ${TOP}`,
      range,
    );
  }
}

/** A POC query's tag filter (binds $4, $5). */
const TAGGED = tagged(4, 5);

/** Dojos that took place in the year: started, not cancelled. Minutes from start to end. */
const HELD_DOJOS = `
  SELECT d.subject, d.dojo_date,
         (SELECT count(*)::int FROM dojo_participants dp WHERE dp.tenant_id = $1 AND dp.dojo_id = d.id AND dp.first_joined_at IS NOT NULL) AS participants,
         coalesce(round(extract(epoch FROM (d.ended_at - d.started_at)) / 60), 0)::int AS minutes
    FROM dojos d
   WHERE d.tenant_id = $1 AND ${TOP_LEVEL_DOJO()} AND d.dojo_date >= $2 AND d.dojo_date < $3 AND d.started_at IS NOT NULL AND d.status <> 'CANCELLED'`;
