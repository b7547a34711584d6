import type { Transaction } from 'sequelize';
import type { Database } from '../../infra/db/database';

/**
 * `withTenant` for the search's statements. Their cost estimates (hundreds of index probes for
 * typo variants, aggregates over a tenant) cross PostgreSQL's JIT threshold, and compiling the
 * plan then takes ~0.5 s for a query that runs in ~15 ms: JIT is turned off for the transaction.
 */
export function withTenantQuery<T>(database: Database, tenantId: string, fn: (t: Transaction) => Promise<T>): Promise<T> {
  return database.withTenant(tenantId, async (t) => {
    await database.sequelize.query(`SELECT set_config('jit', 'off', true)`, { transaction: t });
    return fn(t);
  });
}
