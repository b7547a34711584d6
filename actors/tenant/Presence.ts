import type { KeyValueStore } from '../../infra/kv';

export type PresenceStatus = 'ONLINE' | 'OFFLINE';

/** What the gateway tells about a signaling session (gateway/gateway.service.ts SessionEvent). */
export interface SessionRef {
  sessionId: string;
  userId: string;
  tenantId: string;
  nodeId: string;
}

/** A declared status holds this long; a client that wants to stay ONLINE without a socket re-posts it. */
export const DECLARED_TTL_MS = 10 * 60 * 1000;
// Bounds a stale entry if every other cleanup missed it (the gateway node and this actor both died).
const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/**
 * Who is online, from the gateway's session events, in the shared key-value store (Redis with
 * TTLs when configured). A user is ONLINE while any of their sockets is open, unless they
 * declared a status in the last ten minutes. Sessions are also indexed by gateway node, so a
 * node that dies takes its users' sessions with it.
 */
export class Presence {
  constructor(readonly kv: KeyValueStore) {}

  async opened(s: SessionRef): Promise<void> {
    await this.kv.sadd(userKey(s.tenantId, s.userId), `${s.nodeId}|${s.sessionId}`);
    await this.kv.sadd(nodeKey(s.nodeId), `${s.tenantId}|${s.userId}|${s.sessionId}`);
    await Promise.all([this.kv.expire(userKey(s.tenantId, s.userId), SESSION_TTL_MS), this.kv.expire(nodeKey(s.nodeId), SESSION_TTL_MS)]);
  }

  async closed(s: SessionRef): Promise<void> {
    await this.kv.srem(userKey(s.tenantId, s.userId), `${s.nodeId}|${s.sessionId}`);
    await this.kv.srem(nodeKey(s.nodeId), `${s.tenantId}|${s.userId}|${s.sessionId}`);
  }

  /** A gateway node left the cluster: none of its sockets is open any more. */
  async nodeGone(nodeId: string): Promise<void> {
    for (const member of await this.kv.smembers(nodeKey(nodeId))) {
      const [tenantId, userId, sessionId] = member.split('|') as [string, string, string];
      await this.kv.srem(userKey(tenantId, userId), `${nodeId}|${sessionId}`);
    }
    await this.kv.del(nodeKey(nodeId));
  }

  async declare(tenantId: string, userId: string, status: PresenceStatus): Promise<void> {
    await this.kv.set(declaredKey(tenantId, userId), status, DECLARED_TTL_MS);
  }

  async status(tenantId: string, userId: string): Promise<PresenceStatus> {
    const declared = await this.kv.get(declaredKey(tenantId, userId));
    if (declared === 'ONLINE' || declared === 'OFFLINE') return declared;
    return (await this.kv.smembers(userKey(tenantId, userId))).length > 0 ? 'ONLINE' : 'OFFLINE';
  }
}

const userKey = (tenantId: string, userId: string) => `presence:user:${tenantId}:${userId}`;
const nodeKey = (nodeId: string) => `presence:node:${nodeId}`;
const declaredKey = (tenantId: string, userId: string) => `presence:declared:${tenantId}:${userId}`;
