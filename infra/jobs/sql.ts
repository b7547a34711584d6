import { QueryTypes } from 'sequelize';
import type { Database } from '../db/database';

/**
 * Parameterised SQL on the process's pool. Statements join the surrounding `withTenant`/`asSystem`
 * transaction through Sequelize's CLS, so the job classes never pass one around.
 */
export class Sql {
  constructor(readonly database: Database) {}

  rows<T extends object>(sql: string, bind: unknown[] = []): Promise<T[]> {
    return this.database.sequelize.query<T>(sql, { bind, type: QueryTypes.SELECT });
  }

  async one<T extends object>(sql: string, bind: unknown[] = []): Promise<T | undefined> {
    return (await this.rows<T>(sql, bind))[0];
  }

  tenant<T>(tenantId: string, fn: () => Promise<T>): Promise<T> {
    return this.database.withTenant(tenantId, fn);
  }

  system<T>(fn: () => Promise<T>): Promise<T> {
    return this.database.asSystem(fn);
  }
}
