import { ConnectionError, DatabaseError } from 'sequelize';

// SQLSTATE classes that mean the server, not the statement, failed: 08 connection exception,
// 57P operator intervention (admin/crash shutdown, cannot connect now).
const DOWN_STATES = /^(08|57P)/;

/**
 * True when `error` says PostgreSQL could not be reached or went away mid-query, rather than
 * that the statement was wrong: the request may succeed once the database is back.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof ConnectionError) return true;
  if (!(error instanceof DatabaseError)) return false;
  const original = error.original as Error & { code?: unknown };
  if (typeof original.code === 'string') return DOWN_STATES.test(original.code);
  // pg raises these without a SQLSTATE when the socket closes under a query.
  return /Connection terminated|ECONNRESET|Client has encountered a connection error/.test(original.message ?? '');
}
