import { QueryTypes } from 'sequelize';
import type { Database } from '../../infra/db/database';

/**
 * Runs one statement inside the current `withTenant`/`asSystem` transaction (Sequelize's CLS
 * attaches it) and returns its rows; every statement here names its rows with RETURNING.
 */
export function rows<T extends object>(db: Database, sql: string, bind: unknown[] = []): Promise<T[]> {
  return db.sequelize.query<T>(sql, { bind, type: QueryTypes.SELECT });
}

export async function one<T extends object>(db: Database, sql: string, bind: unknown[] = []): Promise<T | undefined> {
  return (await rows<T>(db, sql, bind))[0];
}
