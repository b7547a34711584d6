import { checkRoomKitOptions, DEFAULT_ROOM_KIT_OPTIONS, type RoomKitOptions } from '../../infra/rooms';

/** Tunables of the kata actor; the defaults are the product's, tests shorten them. */
export interface KataOptions extends RoomKitOptions {
  /** After the deadline the rooms are read-only; the kata ends on its own this much later unless extended. */
  endGraceMs: number;
  /** A timer step that failed (database down) is tried again after this long. */
  retryMs: number;
  /** How often each kata node looks for running katas active nowhere (their node died) and activates them, timer included. */
  sweepMs: number;
  /** How long a minute of duration_minutes and extend lasts: tests shorten it to see a deadline pass. */
  minuteMs: number;
}

export const DEFAULT_KATA_OPTIONS: KataOptions = Object.freeze({
  ...DEFAULT_ROOM_KIT_OPTIONS,
  endGraceMs: 60_000,
  retryMs: 2_000,
  // With the lease's 4 s TTL, a dead node's kata runs again within ~7 s.
  sweepMs: 3_000,
  minuteMs: 60_000,
});

export function kataOptions(overrides: Partial<KataOptions> = {}): KataOptions {
  const options = { ...DEFAULT_KATA_OPTIONS, ...overrides };
  checkRoomKitOptions(options);
  return Object.freeze(options);
}
