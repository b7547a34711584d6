/** Tunables of the live rooms; the defaults are the product's, tests and benchmarks shorten them. */
export interface RoomOptions {
  /** A room nobody is in closes after this long (its state is persisted; the next join reopens it). */
  emptyTimeoutMs: number;
  /** A member whose socket dropped stays in the room this long, so a quick resume is invisible to others. */
  departureTimeoutMs: number;
  /** Lease on the room: short enough that a dead node's rooms move within seconds. */
  leaseTtlMs: number;
  leaseRenewMs: number;
  /** The owner stops acting this long before its lease could have expired (clock drift, slow renewals). */
  leaseSafetyMs: number;
  /** A forwarded call without an answer this long makes the caller watch the owner's lease. */
  forwardPatienceMs: number;
  /** How long a call keeps trying to reach or re-activate the room before giving up. */
  dispatchDeadlineMs: number;
  /** Snapshot the code every this many updates, or this often while it changes, and at close. */
  snapshotEveryUpdates: number;
  snapshotIntervalMs: number;
  /** Chat messages a user may send per second, sustained and in a burst. */
  chatPerSecond: number;
  chatBurst: number;
  /** Recent chat messages returned by room.join. */
  chatHistory: number;
  /** A retried chat.send (same clientMsgId) is answered as the first for at least this long. */
  chatDedupWindowMs: number;
}

export const DEFAULT_ROOM_OPTIONS: RoomOptions = Object.freeze({
  emptyTimeoutMs: 300_000,
  departureTimeoutMs: 20_000,
  // Re-activation after a SIGKILL must stay under 5 s: the lease expires at most 4 s after the
  // last renewal, and a renewal every second survives two lost ones.
  leaseTtlMs: 4_000,
  leaseRenewMs: 1_000,
  leaseSafetyMs: 500,
  forwardPatienceMs: 400,
  dispatchDeadlineMs: 9_000,
  snapshotEveryUpdates: 200,
  snapshotIntervalMs: 30_000,
  chatPerSecond: 5,
  chatBurst: 20,
  chatHistory: 100,
  // Far beyond any client's retry or a failover (seconds); memory for it is bounded per room.
  chatDedupWindowMs: 600_000,
});

export function roomOptions(overrides: Partial<RoomOptions> = {}): RoomOptions {
  const options = { ...DEFAULT_ROOM_OPTIONS, ...overrides };
  if (options.leaseRenewMs * 2 >= options.leaseTtlMs) throw new RangeError('leaseRenewMs must be under half of leaseTtlMs');
  if (options.leaseSafetyMs >= options.leaseTtlMs - options.leaseRenewMs) throw new RangeError('leaseSafetyMs leaves no time to renew');
  return Object.freeze(options);
}
