/**
 * How a room actor names its rooms. A key is plain data (it crosses the transporter when a call
 * is forwarded) and always carries its tenant, so another tenant's id finds nothing.
 */
export interface RoomNaming<K extends { tenantId: string }> {
  /** Unique among this actor's rooms (map keys, the owner cache). */
  id(key: K): string;
  /** The lease that makes one node the room's owner; distinct per actor. */
  lease(key: K): string;
  /** The gateways' push topic of the room. */
  topic(key: K): string;
}

/** What the kit counts; the actor's metrics class implements it under its own series names. */
export interface RoomKitMetrics {
  activation(outcome: 'activated' | 'refused' | 'failed'): void;
  forward(outcome: 'ok' | 'moved' | 'unreachable'): void;
  fanout(seconds: number): void;
}

/** What a turn hands back: the reply, and what must be durable before it is sent. */
export interface TurnResult<T> {
  value: T;
  durable?: Promise<unknown>;
}
