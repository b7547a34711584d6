import type { ExpiringStore } from '../../infra/kv';

const KEY = 'auth:revoked-sessions';
// Every so many records the expired entries are pruned, so steady logouts cannot grow the set.
const PRUNE_EVERY = 64;

export interface Revocation {
  sessionId: string;
  untilMs: number;
}

/**
 * Recent session revocations, kept in the security state store (Redis, or the database on
 * embedded defaults) until the last access token they kill has expired. Gateways learn
 * revocations from the `auth.session.revoked` broadcast; a gateway that starts later reads
 * this log before it listens (deploy/node.ts), and the log is broadcast again when a node connects.
 */
export class RevocationLog {
  #recorded = 0;

  constructor(
    readonly kv: ExpiringStore,
    readonly now: () => number = Date.now,
  ) {}

  async record(revocation: Revocation): Promise<void> {
    await this.kv.sadd(KEY, `${revocation.sessionId}|${revocation.untilMs}`);
    // The set lives as long as its newest entry; older entries are pruned on read.
    await this.kv.expire(KEY, Math.max(1, revocation.untilMs - this.now()));
    if (++this.#recorded % PRUNE_EVERY === 0) await this.live();
  }

  /** Revocations still in force; drops the rest from the store. */
  async live(): Promise<Revocation[]> {
    const now = this.now();
    const live: Revocation[] = [];
    const dead: string[] = [];
    for (const member of await this.kv.smembers(KEY)) {
      const [sessionId, until] = member.split('|');
      const untilMs = Number(until);
      if (sessionId && untilMs > now) live.push({ sessionId, untilMs });
      else dead.push(member);
    }
    if (dead.length > 0) await this.kv.srem(KEY, ...dead);
    return live;
  }
}
