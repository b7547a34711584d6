import type { Sequelize } from 'sequelize';
import { Gauge, metric } from '../metrics';

/** What sequelize-pool tells about itself (Sequelize keeps it at connectionManager.pool). */
interface PoolState {
  using: number;
  available: number;
  waiting: number;
  maxSize: number;
}

const pools = new Set<Sequelize>();

const state = (sequelize: Sequelize): PoolState | undefined => (sequelize as unknown as { connectionManager?: { pool?: PoolState } }).connectionManager?.pool;

// Summed over the process's pools (one in production; a test process may hold several).
const sum = (read: (pool: PoolState) => number) => [...pools].reduce((total, s) => total + (Number(read(state(s) ?? { using: 0, available: 0, waiting: 0, maxSize: 0 })) || 0), 0);

function register(): void {
  metric(
    'pocdojo_db_pool_connections',
    (registers) =>
      new Gauge({
        name: 'pocdojo_db_pool_connections',
        help: 'PostgreSQL connections of the pool: in use by a query or transaction, or idle',
        labelNames: ['state'],
        registers,
        collect() {
          this.set(
            { state: 'using' },
            sum((p) => p.using),
          );
          this.set(
            { state: 'idle' },
            sum((p) => p.available),
          );
        },
      }),
  );
  metric(
    'pocdojo_db_pool_waiting',
    (registers) =>
      new Gauge({
        name: 'pocdojo_db_pool_waiting',
        help: 'Queries waiting for a free PostgreSQL connection',
        registers,
        collect() {
          this.set(sum((p) => p.waiting));
        },
      }),
  );
  metric(
    'pocdojo_db_pool_max',
    (registers) =>
      new Gauge({
        name: 'pocdojo_db_pool_max',
        help: 'The largest number of PostgreSQL connections the pool may open',
        registers,
        collect() {
          this.set(sum((p) => p.maxSize));
        },
      }),
  );
}

/** Exports a Sequelize pool's use at scrape time; returns the removal (call it on close). */
export function watchPool(sequelize: Sequelize): () => void {
  register();
  pools.add(sequelize);
  return () => pools.delete(sequelize);
}
