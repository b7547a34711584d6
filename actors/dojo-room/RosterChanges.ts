import type { PushPayloads } from '../../protocol/push';
import { byNode } from './Members';
import type { Room } from './Room';
import type { RosterEntry } from './types';

/**
 * Who may be in a live room changed outside it: a facilitator added or removed members (REST,
 * DojoChanges), admitted a kicked user again, or a kata moved members between breakout rooms.
 * The database was written first; the room's roster follows here, inside its turn.
 */

/** Users who may join from now on (a kicked one admitted again). */
export function admitToRoster(room: Room, add: readonly RosterEntry[]): void {
  for (const entry of add) room.roster.set(entry.userId, { ...entry, kicked: false });
}

/** Users who may no longer be in the room: their sessions are told (`room.closed`) and leave its topic at once. */
export function dismissFromRoom(room: Room, userIds: readonly string[], reason: PushPayloads['room.closed']['reason']): void {
  for (const userId of userIds) {
    room.roster.delete(userId);
    const sessions = room.members.sessionsOf(userId);
    if (sessions.length === 0) continue;
    void room.fanout.toSessions('room.closed', { dojoId: room.key.dojoId, reason }, byNode(sessions), true);
    for (const s of sessions) room.onLeave(s.sessionId, 'left');
  }
}
