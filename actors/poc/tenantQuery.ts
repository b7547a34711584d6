import type { Transaction } from 'sequelize';
import type { Database } from '../../infra/db/database';

/**
 * `withTenant` for the search's statements, with two planner settings for the transaction:
 * - JIT off: their cost estimates (hundreds of index probes for typo variants, aggregates over
 *   a tenant) cross PostgreSQL's JIT threshold, and compiling then takes ~0.5 s for a query
 *   that runs in ~15 ms;
 * - 32 MB work_mem: a search matching 20k POCs materializes ~5 MB of rows for its facets, which
 *   the default 4 MB would write to a temporary file and read back once per facet.
 */
export function withTenantQuery<T>(database: Database, tenantId: string, fn: (t: Transaction) => Promise<T>): Promise<T> {
  return database.withTenant(tenantId, async (t) => {
    await database.sequelize.query(`SELECT set_config('jit', 'off', true), set_config('work_mem', '32MB', true)`, { transaction: t });
    return fn(t);
  });
}
