/** The kit's timings; a room actor's own options extend them. */
export interface RoomKitOptions {
  /** Lease on a room: short enough that a dead node's rooms move within seconds. */
  leaseTtlMs: number;
  leaseRenewMs: number;
  /** The owner stops acting this long before its lease could have expired (clock drift, slow renewals). */
  leaseSafetyMs: number;
  /** A forwarded call without an answer this long makes the caller watch the owner's lease. */
  forwardPatienceMs: number;
  /** How long a call keeps trying to reach or re-activate the room before giving up. */
  dispatchDeadlineMs: number;
}

export const DEFAULT_ROOM_KIT_OPTIONS: RoomKitOptions = Object.freeze({
  // Re-activation after a SIGKILL must stay under 5 s: the lease expires at most 4 s after the
  // last renewal, and a renewal every second survives two lost ones.
  leaseTtlMs: 4_000,
  leaseRenewMs: 1_000,
  leaseSafetyMs: 500,
  forwardPatienceMs: 400,
  dispatchDeadlineMs: 9_000,
});

/** Throws when the lease timings cannot work (no time to renew before expiry). */
export function checkRoomKitOptions(options: RoomKitOptions): void {
  if (options.leaseRenewMs * 2 >= options.leaseTtlMs) throw new RangeError('leaseRenewMs must be under half of leaseTtlMs');
  if (options.leaseSafetyMs >= options.leaseTtlMs - options.leaseRenewMs) throw new RangeError('leaseSafetyMs leaves no time to renew');
}
