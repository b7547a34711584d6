import { FieldValidationError } from '../errors';
import { MAX_RANGE_DAYS } from '../../../protocol/rest/reports';

/** Today's calendar date in a time zone, as YYYY-MM-DD. */
export function today(timeZone: string, now = new Date()): string {
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * An inclusive range of the tenant's calendar dates. Defaults: `to` today (in the tenant's time
 * zone) and `from` 29 days before `to`, so the default is the last 30 days.
 */
export function dateRange(q: { from?: string; to?: string }, timeZone: string): { from: string; to: string } {
  const to = q.to ?? today(timeZone);
  const from = q.from ?? addDays(to, -29);
  // The protocol checks a range it is given whole; a defaulted end is checked here.
  if (from > to) throw new FieldValidationError([{ field: 'to', message: 'must not be before from' }]);
  if ((Date.parse(to) - Date.parse(from)) / 86_400_000 > MAX_RANGE_DAYS) {
    throw new FieldValidationError([{ field: 'from', message: `the range must be at most ${MAX_RANGE_DAYS} days` }]);
  }
  return { from, to };
}
