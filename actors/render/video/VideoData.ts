import type { Sql } from '../../../infra/db/sql';
import type { VideoOptions } from '../../../protocol/rest/render';
import { tagBinds, tagged } from '../dashboard/tags';
import { dateBounds, yearBounds } from '../locale/calendar';
import { DEFAULT_LOCALE } from '../locale/settings';

export interface VideoPoc {
  name: string;
  language: string;
  tags: string[];
  frameworks: string[];
  description: string;
  repoUrl: string;
  created: Date;
}

/** What a user's yearly video shows: who, which year, and the POCs they created in it. */
export interface VideoFigures {
  firstName: string;
  lastName: string;
  username: string;
  tenantName: string;
  year: number;
  /** All the year's POCs, counted; `pocs` holds at most `limit` of them, oldest first. */
  total: number;
  languages: Array<{ name: string; count: number }>;
  tags: Array<{ name: string; count: number }>;
  pocs: VideoPoc[];
}

export class VideoData {
  constructor(readonly sql: Sql) {}

  /**
   * The year runs from midnight to midnight of 1 January in `timeZone` (the tenant's); the
   * options' range (`to` defaulting to the end of `from`'s year), tags and order narrow and sort it.
   */
  load(tenantId: string, userId: string, year: number, limit: number, timeZone = DEFAULT_LOCALE.timeZone, options: VideoOptions = {}): Promise<VideoFigures> {
    return this.sql.tenant(tenantId, async () => {
      const bounds = options.from ? await dateBounds(this.sql, options.from, options.to ?? `${options.from.slice(0, 4)}-12-31`, timeZone) : await yearBounds(this.sql, year, timeZone);
      const range = [tenantId, userId, ...bounds, ...tagBinds({ tags: options.tags, excludeTags: options.exclude_tags })];
      const user = await this.sql.one<{ first_name: string; last_name: string; username: string; tenant_name: string }>(
        'SELECT u.first_name, u.last_name, u.username, t.name AS tenant_name FROM users u JOIN tenants t ON t.id = u.tenant_id WHERE u.tenant_id = $1 AND u.id = $2',
        [tenantId, userId],
      );
      if (!user) throw new Error(`user ${userId} not found in tenant ${tenantId}`);
      const pocs = await this.sql.rows<{ name: string; language: string; description: string; repo_url: string; created: Date; tags: string[]; frameworks: string[] }>(
        // Labels from the arrays the poc actor keeps on the row (migration 200), as written.
        `SELECT p.name, p.language, p.description, p.repo_url, p.created, p.tags, p.frameworks
           FROM pocs p WHERE ${mine('p')}
          ORDER BY ${ORDERS[options.order ?? 'oldest']} LIMIT ${Number(limit)}`,
        range,
      );
      const languages = await this.sql.rows<{ name: string; count: number }>(
        `SELECT min(language) AS name, count(*)::int AS count FROM pocs p WHERE ${mine('p')} GROUP BY language_key ORDER BY count DESC, name`,
        range,
      );
      const tags = await this.sql.rows<{ name: string; count: number }>(
        `SELECT min(l.tag) AS name, count(*)::int AS count FROM pocs p CROSS JOIN LATERAL unnest(p.tags, p.tag_keys) AS l(tag, key)
          WHERE ${mine('p')} GROUP BY l.key ORDER BY count DESC, name LIMIT 5`,
        range,
      );
      return {
        firstName: user.first_name,
        lastName: user.last_name,
        username: user.username,
        tenantName: user.tenant_name,
        year,
        total: languages.reduce((sum, l) => sum + l.count, 0),
        languages,
        tags,
        pocs: pocs.map((p) => ({ name: p.name, language: p.language, tags: p.tags, frameworks: p.frameworks, description: p.description, repoUrl: p.repo_url, created: p.created })),
      };
    });
  }
}

/** The slides' order for each choice; the id breaks ties so a video renders the same twice. */
const ORDERS: Record<NonNullable<VideoOptions['order']>, string> = {
  oldest: 'p.created, p.id',
  newest: 'p.created DESC, p.id DESC',
  name: 'lower(p.name), p.id',
  language: 'p.language_key, p.created, p.id',
};

/** The user's live POCs created in the range ($1 tenant, $2 user, $3..$4 the bounds, $5/$6 the tag filter). */
function mine(alias: string): string {
  return `${alias}.tenant_id = $1 AND ${alias}.owner_id = $2 AND ${alias}.deleted_at IS NULL AND ${alias}.created >= $3 AND ${alias}.created < $4 AND ${tagged(5, 6, `${alias}.`)}`;
}
