import { checkRoomKitOptions, DEFAULT_ROOM_KIT_OPTIONS, type RoomKitOptions } from '../../infra/rooms';

/** Tunables of the live rooms; the defaults are the product's, tests and benchmarks shorten them. */
export interface RoomOptions extends RoomKitOptions {
  /** A room nobody is in closes after this long (its state is persisted; the next join reopens it). */
  emptyTimeoutMs: number;
  /** A member whose socket dropped stays in the room this long, so a quick resume is invisible to others. */
  departureTimeoutMs: number;
  /** Snapshot the code every this many updates, or this often while it changes, and at close. */
  snapshotEveryUpdates: number;
  snapshotIntervalMs: number;
  /**
   * Items and tombstones a room's Yjs document may hold before it is rebuilt from its text as a
   * new generation (clients reload it: code.reset). ~270 bytes each; an edit adds about two.
   */
  codeCompactStructs: number;
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
  ...DEFAULT_ROOM_KIT_OPTIONS,
  snapshotEveryUpdates: 200,
  snapshotIntervalMs: 30_000,
  // ~0.5 MB of history at most per room; at two edits a second, a reload every ~8 minutes.
  codeCompactStructs: 2_000,
  chatPerSecond: 5,
  chatBurst: 20,
  chatHistory: 100,
  // Far beyond any client's retry or a failover (seconds); memory for it is bounded per room.
  chatDedupWindowMs: 600_000,
});

export function roomOptions(overrides: Partial<RoomOptions> = {}): RoomOptions {
  const options = { ...DEFAULT_ROOM_OPTIONS, ...overrides };
  checkRoomKitOptions(options);
  return Object.freeze(options);
}
