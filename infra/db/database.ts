import { Sequelize, Transaction } from 'sequelize';
import type { Logger } from '../logger';
import { AsyncLocalNamespace } from './context';
import { watchPool } from './poolMetrics';

export interface DatabaseOptions {
  url: string;
  logger: Logger;
  poolMax?: number;
}

let clsInstalled = false;

/**
 * The process's connection pool. Application queries run as the non-owner role `pocdojo_app`,
 * so PostgreSQL's row-level security checks every row against the transaction's tenant.
 */
export class Database {
  readonly sequelize: Sequelize;
  readonly #unwatch: () => void;
  #closed = false;

  constructor(options: DatabaseOptions) {
    if (!clsInstalled) {
      Sequelize.useCLS(new AsyncLocalNamespace());
      clsInstalled = true;
    }
    this.sequelize = new Sequelize(options.url, {
      dialect: 'postgres',
      logging: false,
      pool: { max: options.poolMax ?? 10, min: 0, idle: 10_000, acquire: 10_000 },
      define: { underscored: true, timestamps: false, freezeTableName: true },
      hooks: {
        afterConnect: async (connection: unknown) => {
          // JIT compiling took ~0.5 s for a 15 ms search: short OLTP queries never win it back.
          await (connection as { query(sql: string): Promise<unknown> }).query('SET ROLE pocdojo_app; SET jit = off');
        },
      },
    });
    this.#unwatch = watchPool(this.sequelize);
  }

  /** Runs `fn` in a transaction that sees only `tenantId`'s rows. */
  withTenant<T>(tenantId: string, fn: (t: Transaction) => Promise<T>): Promise<T> {
    return this.sequelize.transaction(async (t) => {
      await this.sequelize.query(`SELECT set_config('app.tenant_id', $1, true)`, { bind: [tenantId], transaction: t });
      return fn(t);
    });
  }

  /** Runs `fn` in a transaction that may cross tenants: sign-up, login by slug, batch jobs. */
  asSystem<T>(fn: (t: Transaction) => Promise<T>): Promise<T> {
    return this.sequelize.transaction(async (t) => {
      await this.sequelize.query(`SELECT set_config('app.rls_bypass', 'on', true)`, { transaction: t });
      return fn(t);
    });
  }

  async ping(): Promise<void> {
    await this.sequelize.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#unwatch();
    await this.sequelize.close();
  }
}
