import type { Config } from '../config';
import { resolveJwtSecret } from './auth/secret';
import { Database } from './db/database';
import { startEmbeddedPostgres } from './db/embedded';
import { migrate } from './db/migrate';
import { createKeyValueStore, createLeaseManager, createRateLimiter, PostgresExpiringStore, type ExpiringStore, type KeyValueStore, type LeaseManager, type RateLimiter } from './kv';
import type { Logger } from './logger';
import { createMailer, type Mailer } from './mail';
import { createDurableQueue, type DurableQueue } from './queue';
import { createObjectStore, type ObjectStore } from './storage';

/** Everything an actor may depend on, one instance per process, shared by its services. */
export interface Infrastructure {
  config: Config;
  jwtSecret: string;
  database: Database | undefined;
  databaseUrl: string | undefined;
  kv: KeyValueStore;
  /**
   * What security depends on (session revocations, login lockouts): Redis when configured (run it
   * with persistence), else the database, so a restart on embedded defaults forgets neither.
   */
  securityState: ExpiringStore;
  /** HTTP rate limits stay in `kv`: their windows are a minute, and a restart costing one is harmless. */
  rateLimiter: RateLimiter;
  leases: LeaseManager;
  objectStore: ObjectStore | undefined;
  mailer: Mailer;
  /** Durable queues: JetStream when the transporter is NATS, in-process otherwise. */
  queue: DurableQueue;
  stop(): Promise<void>;
}

export interface InfrastructureNeeds {
  database: boolean;
  objectStore: boolean;
}

/**
 * Starts (embedded default) or connects to (env configured) each backing service this
 * process needs. One code path: only where the pieces come from differs.
 */
export async function startInfrastructure(config: Config, needs: InfrastructureNeeds, logger: Logger): Promise<Infrastructure> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const fn of stops.reverse()) await fn().catch((error) => logger.warn({ err: error }, 'shutdown step failed'));
  };
  try {
    const [jwtSecret, db, objectStore] = await Promise.all([
      resolveJwtSecret(config.jwtSecret, config.dataDir),
      needs.database ? openDatabase(config, logger, stops) : Promise.resolve(undefined),
      needs.objectStore
        ? createObjectStore({
            endpoint: config.s3.endpoint,
            bucket: config.s3.bucket,
            region: config.s3.region,
            accessKeyId: config.s3.accessKeyId,
            secretAccessKey: config.s3.secretAccessKey,
            dataDir: config.dataDir,
            logger,
          })
        : Promise.resolve(undefined),
    ]);
    if (objectStore) stops.push(() => objectStore.close());
    const kv = createKeyValueStore({ redisUrl: config.redisUrl, keyPrefix: `${config.namespace}:`, logger });
    stops.push(() => kv.close());
    const securityState = securityStateStore(config, kv, db?.database, logger);
    stops.push(() => securityState.close());
    const mailer = createMailer({ smtpUrl: config.smtpUrl, dataDir: config.dataDir, from: config.mailFrom });
    stops.push(() => mailer.close());
    const queue = await createDurableQueue({ natsUrl: config.transporter, logger, ...queueNames(config.namespace) });
    // Stops run in reverse: consumers drain before the database closes.
    stops.push(() => queue.close());
    return {
      config,
      jwtSecret,
      database: db?.database,
      databaseUrl: db?.url,
      kv,
      securityState,
      rateLimiter: createRateLimiter(kv),
      leases: createLeaseManager(kv),
      objectStore,
      mailer,
      queue,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The one place that decides where security state lives. The in-process store is left only to a
 * node without a database, which hosts no actor that writes such state.
 */
function securityStateStore(config: Config, kv: KeyValueStore, database: Database | undefined, logger: Logger): ExpiringStore {
  if (config.redisUrl || !database) return kv;
  logger.info({ securityState: 'postgres' }, 'security state: kept in the database (no REDIS_URL)');
  return new PostgresExpiringStore(database, { logger });
}

/**
 * Clusters of different namespaces on one NATS (staging beside production, parallel test runs)
 * must not take each other's jobs: each namespace gets its own stream and subjects.
 */
export function queueNames(namespace: string): { stream: string; subjectPrefix: string } {
  if (namespace === 'pocdojo') return { stream: 'POCDOJO', subjectPrefix: 'pocdojo' };
  const safe = namespace.replace(/[^A-Za-z0-9_-]/g, '_');
  return { stream: `POCDOJO_${safe.toUpperCase().replace(/-/g, '_')}`, subjectPrefix: `pocdojo-${safe}` };
}

async function openDatabase(config: Config, logger: Logger, stops: Array<() => Promise<void>>) {
  let url = config.databaseUrl;
  if (!url) {
    const embedded = await startEmbeddedPostgres(config.dataDir, logger);
    stops.push(() => embedded.stop());
    url = embedded.url;
  }
  await migrate(url, logger);
  const database = new Database({ url, logger });
  stops.push(() => database.close());
  await database.ping();
  return { database, url };
}
