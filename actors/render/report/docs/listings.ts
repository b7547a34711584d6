import type { Sql } from '../../../../infra/db/sql';
import { EXPORT_TEXTS } from '../../locale/exportTexts';
import { dateRange } from '../../dashboard/range';
import { count, date, docBase, text, type Cell, type ReportDoc, type Section } from '../ReportDoc';
import type { DocContext } from './context';
import { TOP_LEVEL_DOJO } from '../../dojoScope';

/** Rows read per query: a listing of any length streams through this much memory. */
export const BATCH_ROWS = 5000;

/**
 * Keyset pages of a listing, in order, each in its own short tenant transaction: a 100k-row
 * export neither holds the rows nor one transaction open for the whole file.
 */
async function* pages<R extends { k1: unknown; k2: string }>(sql: Sql, tenantId: string, query: string, bind: unknown[], limit: number | undefined, toCells: (row: R) => Cell[]) {
  let after: [unknown, string] | null = null;
  let left = limit ?? Infinity;
  while (left > 0) {
    const size = Math.min(BATCH_ROWS, left);
    const cursor: [unknown, string] | [null, null] = after ?? [null, null];
    const rows: R[] = await sql.tenant(tenantId, () => sql.rows<R>(query, [...bind, cursor[0], cursor[1], size]));
    if (rows.length === 0) return;
    yield rows.map(toCells);
    left -= rows.length;
    if (rows.length < size) return;
    const last = rows[rows.length - 1]!;
    after = [last.k1, last.k2];
  }
}

function listing(id: string, title: string, columns: Section['columns'], empty: string, more: () => AsyncIterable<Cell[][]>): Section {
  return { id, title, columns, rows: [], more, empty };
}

/** Dojos of the range (by date), with who ran them, how many joined and how long they lasted. */
export async function dojosDoc(ctx: DocContext): Promise<ReportDoc> {
  const { fmt, head } = docBase(ctx.locale, new Date());
  const t = EXPORT_TEXTS[ctx.locale.locale].dojos;
  const { from, to } = dateRange(ctx.options, ctx.locale.timeZone);
  const tenantId = ctx.viewer.tenantId;
  // $1 tenant, $2..$3 dates, $4 zone; then the keyset ($5, $6) and the page size ($7).
  const query = `
    SELECT d.dojo_date AS k1, d.id::text AS k2, d.subject, d.status, d.language, u.username,
           (SELECT count(*)::int FROM dojo_participants dp WHERE dp.tenant_id = $1 AND dp.dojo_id = d.id AND dp.first_joined_at IS NOT NULL) AS participants,
           coalesce(round(extract(epoch FROM (d.ended_at - d.started_at)) / 60), 0)::int AS minutes
      FROM dojos d JOIN users u ON u.id = d.facilitator_id AND u.tenant_id = $1
     WHERE d.tenant_id = $1 AND ${TOP_LEVEL_DOJO()} AND d.dojo_date >= ($2::date)::timestamp AT TIME ZONE $4 AND d.dojo_date < ($3::date + 1)::timestamp AT TIME ZONE $4
       AND ($5::timestamptz IS NULL OR (d.dojo_date, d.id::text) > ($5, $6))
     ORDER BY d.dojo_date, d.id::text LIMIT $7`;
  type Row = { k1: Date; k2: string; subject: string; status: string; language: string | null; username: string; participants: number; minutes: number };
  const more = () =>
    pages<Row>(ctx.sql, tenantId, query, [tenantId, from, to, ctx.locale.timeZone], ctx.pageRows, (r) => [r.k1, r.subject, r.status, r.username, r.participants, r.minutes, r.language ?? '']);
  return {
    ...head,
    title: ctx.options.title ?? t.title,
    subtitle: EXPORT_TEXTS[ctx.locale.locale].range(fmt.date(from), fmt.date(to)),
    sections: [
      listing(
        'dojos',
        t.title,
        [
          date('date', t.date),
          text('subject', t.subject),
          text('status', t.status),
          text('facilitator', t.facilitator),
          count('participants', t.participants),
          count('minutes', t.minutes),
          text('language', t.language),
        ],
        t.none,
        more,
      ),
    ],
  };
}

/** The tenant's members, oldest first, with their POCs, dojos attended and last login. */
export async function usersDoc(ctx: DocContext): Promise<ReportDoc> {
  const { head } = docBase(ctx.locale, new Date());
  const t = EXPORT_TEXTS[ctx.locale.locale].users;
  const tenantId = ctx.viewer.tenantId;
  const query = `
    SELECT u.created AS k1, u.id::text AS k2, u.username, u.first_name || ' ' || u.last_name AS name, u.email, u.role, u.status,
           (SELECT count(*)::int FROM pocs p WHERE p.tenant_id = $1 AND p.owner_id = u.id AND p.deleted_at IS NULL) AS pocs,
           (SELECT count(*)::int FROM dojo_participants dp WHERE dp.tenant_id = $1 AND dp.user_id = u.id AND dp.first_joined_at IS NOT NULL) AS dojos,
           (SELECT max(s.created) FROM sessions s WHERE s.tenant_id = $1 AND s.user_id = u.id) AS last_login
      FROM users u
     WHERE u.tenant_id = $1 AND ($2::timestamptz IS NULL OR (u.created, u.id::text) > ($2, $3))
     ORDER BY u.created, u.id::text LIMIT $4`;
  type Row = { k1: Date; k2: string; username: string; name: string; email: string; role: string; status: string; pocs: number; dojos: number; last_login: Date | null };
  const more = () => pages<Row>(ctx.sql, tenantId, query, [tenantId], ctx.pageRows, (r) => [r.username, r.name, r.email, r.role, r.status, r.k1, r.pocs, r.dojos, r.last_login ?? '']);
  return {
    ...head,
    title: ctx.options.title ?? t.title,
    subtitle: '',
    sections: [
      listing(
        'users',
        t.title,
        [
          text('username', t.username),
          text('name', t.name),
          text('email', t.email),
          text('role', t.role),
          text('status', t.status),
          date('created', t.created),
          count('pocs', t.pocs),
          count('dojos', t.dojos),
          { key: 'last_login', label: t.lastLogin, type: 'date' },
        ],
        t.none,
        more,
      ),
    ],
  };
}
