import { Sequelize, Transaction, type TransactionOptions } from 'sequelize';
import type { Logger } from '../logger';
import { AsyncLocalNamespace } from './context';
import { watchPool } from './poolMetrics';

export interface DatabaseOptions {
  url: string;
  logger: Logger;
  poolMax?: number;
}

let clsInstalled = false;

// The transaction option carrying the statement folded into its BEGIN (see foldIntoBegin).
const BEGIN_WITH = Symbol('beginWith');
// A tenant id as the app issues them: written into SQL text only when it has this shape.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Sends a transaction's setting in the same round trip as its BEGIN (one simple-protocol query
 * of two statements): a short transaction such as a chat group commit is then three round
 * trips (BEGIN + setting, the write, COMMIT) instead of four.
 */
function foldIntoBegin(sequelize: Sequelize): void {
  const generator = (sequelize.getQueryInterface() as unknown as { queryGenerator: { startTransactionQuery(t: Transaction): string } }).queryGenerator;
  const start = generator.startTransactionQuery.bind(generator);
  generator.startTransactionQuery = (t: Transaction) => {
    const sql = start(t);
    const extra = (t as unknown as { parent?: unknown; options: { [BEGIN_WITH]?: string } }).options[BEGIN_WITH];
    return extra && !(t as unknown as { parent?: unknown }).parent ? `${sql} ${extra}` : sql;
  };
}

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
    foldIntoBegin(this.sequelize);
  }

  /** Runs `fn` in a transaction that sees only `tenantId`'s rows. */
  withTenant<T>(tenantId: string, fn: (t: Transaction) => Promise<T>): Promise<T> {
    // The usual case: the setting rides on the BEGIN (the id is a UUID, so it is safe as SQL text).
    if (UUID.test(tenantId)) {
      const options = { [BEGIN_WITH]: `SELECT set_config('app.tenant_id', '${tenantId}', true);` } as TransactionOptions;
      return this.sequelize.transaction(options, fn);
    }
    return this.sequelize.transaction(async (t) => {
      await this.sequelize.query(`SELECT set_config('app.tenant_id', $1, true)`, { bind: [tenantId], transaction: t });
      return fn(t);
    });
  }

  /** Runs `fn` in a transaction that may cross tenants: sign-up, login by slug, batch jobs. */
  asSystem<T>(fn: (t: Transaction) => Promise<T>): Promise<T> {
    return this.sequelize.transaction({ [BEGIN_WITH]: `SELECT set_config('app.rls_bypass', 'on', true);` } as TransactionOptions, fn);
  }

  /**
   * Whether the pool is so far behind that a new query would wait long (its acquire timeout is
   * 10 s): more than `perConnection` queries waiting per connection. Work that can be refused
   * (a new member joining) is refused with a clear error then, before the waits become timeouts.
   */
  saturated(perConnection = 8): boolean {
    const pool = (this.sequelize as unknown as { connectionManager?: { pool?: { waiting?: number; maxSize?: number } } }).connectionManager?.pool;
    return (pool?.waiting ?? 0) > perConnection * (pool?.maxSize ?? 10);
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
