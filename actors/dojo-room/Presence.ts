import type { KeyValueStore } from '../../infra/kv';
import type { Logger } from '../../infra/logger';
import type { MemberSession } from './Members';
import type { RoomKey, RoomRole } from './types';

const ROLES: readonly RoomRole[] = ['facilitator', 'participant', 'observer'];
// Long enough for any live dojo; only a crashed cluster leaves a set behind, and it then expires.
const PRESENCE_TTL_MS = 24 * 3600_000;

/**
 * The room's sessions, kept beside the room in the key-value store (Redis on a cluster), so an
 * activation on another node knows whom to deliver to before each member speaks again.
 * Soft state: only the room's owner writes it, and a failed write costs at most a stale entry.
 */
export class Presence {
  constructor(
    readonly kv: KeyValueStore,
    readonly logger: Logger,
  ) {}

  add(key: RoomKey, s: MemberSession): void {
    const k = presenceKey(key);
    this.#quietly(this.kv.sadd(k, encode(s)).then(() => this.kv.expire(k, PRESENCE_TTL_MS)));
  }

  remove(key: RoomKey, s: MemberSession): void {
    this.#quietly(this.kv.srem(presenceKey(key), encode(s)));
  }

  async load(key: RoomKey): Promise<MemberSession[]> {
    const members = await this.kv.smembers(presenceKey(key));
    return members.map(decode).filter((s): s is MemberSession => s !== undefined);
  }

  async clear(key: RoomKey): Promise<void> {
    await this.kv.del(presenceKey(key));
  }

  /** Users online in a room, for GET /v1/dojos/{id}. */
  async onlineUsers(key: RoomKey): Promise<Set<string>> {
    return new Set((await this.load(key)).map((s) => s.userId));
  }

  #quietly(p: Promise<unknown>): void {
    p.catch((err: unknown) => this.logger.warn({ err }, 'presence write failed'));
  }
}

function presenceKey(key: RoomKey): string {
  return `dojo:presence:${key.tenantId}:${key.dojoId}`;
}

function encode(s: MemberSession): string {
  return [s.sessionId, s.userId, s.role, s.gatewayNodeId].join('|');
}

function decode(text: string): MemberSession | undefined {
  const [sessionId, userId, role, gatewayNodeId] = text.split('|');
  if (!sessionId || !userId || !gatewayNodeId || !ROLES.includes(role as RoomRole)) return undefined;
  return { sessionId, userId, role: role as RoomRole, gatewayNodeId };
}
