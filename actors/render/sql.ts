// The kit's SQL helper serves the whole actor, so render's queries and the kit's share one pool path.
export { Sql } from '../../infra/jobs';

export function iso(date: Date | string | null): string | null {
  if (date === null) return null;
  return (date instanceof Date ? date : new Date(date)).toISOString();
}

/** bigint columns come back as strings from pg. */
export function num(value: string | number | null): number | null {
  return value === null ? null : Number(value);
}
