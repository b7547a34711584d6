import { QueryTypes } from 'sequelize';
import type { Database } from '../db/database';
import { integerArg, ttlArg } from './args';
import type { Logger } from '../logger';
import type { ExpiringStore } from './types';

const LIVE = '(expires_at IS NULL OR expires_at > now())';
// A TTL in milliseconds as a PostgreSQL expiry; NULL (no TTL) stays NULL.
const EXPIRY = (param: string) => `now() + ${param}::bigint * interval '1 millisecond'`;

export interface PostgresExpiringStoreOptions {
  /** How often expired rows are deleted; reads already ignore them, this only frees space. */
  purgeIntervalMs?: number;
  logger?: Logger;
}

/**
 * The ExpiringStore on the embedded default's PostgreSQL (table `security_state`), chosen in
 * deploy/infrastructure.ts when no Redis is configured. Expiry is judged by the database's
 * clock, so every node agrees. Every statement runs outside any surrounding transaction: a
 * failed login's counter must stick even when the caller's transaction rolls back.
 */
export class PostgresExpiringStore implements ExpiringStore {
  readonly #purger: NodeJS.Timeout;
  #closed = false;

  constructor(
    readonly database: Database,
    readonly options: PostgresExpiringStoreOptions = {},
  ) {
    this.#purger = setInterval(() => void this.purge(), options.purgeIntervalMs ?? 60_000);
    this.#purger.unref();
  }

  async get(key: string): Promise<string | null> {
    const row = (await this.#rows<{ value: string }>(`SELECT value FROM security_state WHERE key = $1 AND member = '' AND ${LIVE}`, [key]))[0];
    return row ? row.value : null;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    await this.#rows(
      `INSERT INTO security_state (key, value, expires_at) VALUES ($1, $2, ${EXPIRY('$3')})
       ON CONFLICT (key, member) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at RETURNING key`,
      [key, value, ttlArg(ttlMs) ?? null],
    );
  }

  async setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean> {
    // An expired row counts as absent: it is overwritten as if it were not there.
    const rows = await this.#rows(
      `INSERT INTO security_state (key, value, expires_at) VALUES ($1, $2, ${EXPIRY('$3')})
       ON CONFLICT (key, member) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at
        WHERE security_state.expires_at <= now() RETURNING key`,
      [key, value, ttlArg(ttlMs) ?? null],
    );
    return rows.length > 0;
  }

  async del(...keys: string[]): Promise<number> {
    if (keys.length === 0) return 0;
    const rows = await this.#rows<{ count: string }>(
      `WITH gone AS (DELETE FROM security_state WHERE key = ANY($1) RETURNING key, ${LIVE} AS live)
       SELECT count(DISTINCT key) FILTER (WHERE live) AS count FROM gone`,
      [keys],
    );
    return Number(rows[0]?.count ?? 0);
  }

  async incr(key: string, ttlMs?: number): Promise<number> {
    // One statement, so concurrent failures never lose a count; an expired counter restarts at 1.
    const rows = await this.#rows<{ value: string }>(
      `INSERT INTO security_state (key, value, expires_at) VALUES ($1, '1', ${EXPIRY('$2')})
       ON CONFLICT (key, member) DO UPDATE SET
         value = CASE WHEN security_state.expires_at <= now() THEN '1' ELSE (security_state.value::bigint + 1)::text END,
         expires_at = CASE WHEN security_state.expires_at <= now() THEN EXCLUDED.expires_at ELSE security_state.expires_at END
       RETURNING value`,
      [key, ttlArg(ttlMs) ?? null],
    );
    return integerArg('value', Number(rows[0]!.value));
  }

  async sadd(key: string, ...members: string[]): Promise<number> {
    if (members.length === 0) return 0;
    // New members share the set's live expiry (Redis keeps the TTL on the key); expired ones are revived as new.
    const rows = await this.#rows(
      `WITH live AS (SELECT expires_at FROM security_state WHERE key = $1 AND member <> '' AND ${LIVE} LIMIT 1)
       INSERT INTO security_state (key, member, expires_at)
       SELECT $1, m, (SELECT expires_at FROM live) FROM unnest($2::text[]) AS m GROUP BY m
       ON CONFLICT (key, member) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE security_state.expires_at <= now()
       RETURNING member`,
      [key, members],
    );
    return rows.length;
  }

  async srem(key: string, ...members: string[]): Promise<number> {
    if (members.length === 0) return 0;
    const rows = await this.#rows(`DELETE FROM security_state WHERE key = $1 AND member <> '' AND member = ANY($2) AND ${LIVE} RETURNING member`, [key, members]);
    return rows.length;
  }

  async smembers(key: string): Promise<string[]> {
    const rows = await this.#rows<{ member: string }>(`SELECT member FROM security_state WHERE key = $1 AND member <> '' AND ${LIVE}`, [key]);
    return rows.map((r) => r.member);
  }

  async expire(key: string, ttlMs: number): Promise<boolean> {
    const rows = await this.#rows(`UPDATE security_state SET expires_at = ${EXPIRY('$2')} WHERE key = $1 AND ${LIVE} RETURNING key`, [key, ttlArg(ttlMs)]);
    return rows.length > 0;
  }

  /** Deletes expired rows; returns how many. */
  async purge(): Promise<number> {
    if (this.#closed) return 0;
    try {
      const rows = await this.#rows('DELETE FROM security_state WHERE expires_at <= now() RETURNING key');
      if (rows.length > 0) this.options.logger?.debug({ purged: rows.length }, 'security state: expired rows purged');
      return rows.length;
    } catch (error) {
      // Housekeeping only: a database blip must not surface as an unhandled rejection.
      this.options.logger?.warn({ err: error }, 'security state: purge failed');
      return 0;
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#purger);
  }

  #rows<T>(sql: string, bind: unknown[] = []): Promise<T[]> {
    if (this.#closed) return Promise.reject(new Error('security state store is closed'));
    return this.database.sequelize.query(sql, { bind, type: QueryTypes.SELECT, transaction: null }) as Promise<T[]>;
  }
}
