import type { Sql } from '../../../infra/db/sql';

/**
 * The instants a calendar year starts and ends in a time zone: midnight of 1 January there
 * (PostgreSQL's zone data, the same the dashboards' periods use). Run inside the caller's scope.
 */
export async function yearBounds(sql: Sql, year: number, timeZone: string): Promise<[Date, Date]> {
  const row = await sql.one<{ lo: Date; hi: Date }>(`SELECT make_timestamptz($1, 1, 1, 0, 0, 0, $2) AS lo, make_timestamptz($1 + 1, 1, 1, 0, 0, 0, $2) AS hi`, [year, timeZone]);
  if (!row) throw new Error('year bounds query returned no row');
  return [row.lo, row.hi];
}

/** The instants an inclusive range of calendar dates (YYYY-MM-DD) starts and ends in a time zone. */
export async function dateBounds(sql: Sql, from: string, to: string, timeZone: string): Promise<[Date, Date]> {
  const row = await sql.one<{ lo: Date; hi: Date }>(`SELECT ($1::date)::timestamp AT TIME ZONE $3 AS lo, ($2::date + 1)::timestamp AT TIME ZONE $3 AS hi`, [from, to, timeZone]);
  if (!row) throw new Error('date bounds query returned no row');
  return [row.lo, row.hi];
}
