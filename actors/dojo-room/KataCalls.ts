import type { TurnResult } from '../../infra/rooms';
import type { PushPayloads } from '../../protocol/push';
import type { Room } from './Room';
import { admitToRoster, dismissFromRoom } from './RosterChanges';
import type { RoomCall } from './types';

type KataCall = Extract<RoomCall, { kind: 'roster' | 'read-only' | 'finish' | 'present' | 'kata-push' | 'away' }>;

/**
 * What a kata asks of a live room, inside the room's turn: of a breakout room (its roster, its
 * read-only switch, its final code) and of the dojo's main room (who is present, the kata's
 * pushes on the room's seq, media paused for members away in a breakout room).
 */
export async function runKataCall(room: Room, call: KataCall): Promise<TurnResult<unknown>> {
  switch (call.kind) {
    case 'roster':
      return { value: roster(room, call.add, call.remove) };
    case 'read-only':
      room.setReadOnly(call.readOnly);
      return { value: null };
    case 'finish': {
      // Edits stop, every acknowledged update and a last snapshot are written: that text is final.
      room.setReadOnly(true);
      await room.code.finish();
      return { value: { code: room.code.doc.text() } };
    }
    case 'present':
      return { value: room.members.participants().map(({ userId, role }) => ({ userId, role })) };
    case 'kata-push':
      // The data was built by the kata against PUSH_SCHEMAS (protocol/push.ts) for this method.
      return { value: room.fanout.push(call.method, call.data as PushPayloads[typeof call.method], room.members.gatewayNodes()) };
    case 'away':
      await Promise.all(call.userIds.map((userId) => room.media.away(userId, call.away)));
      return { value: null };
  }
}

/** Assigned members may join; those moved out leave at once (their sessions are told, and leave its topic). */
function roster(room: Room, add: readonly string[], remove: readonly string[]): null {
  admitToRoster(
    room,
    add.map((userId) => room.roster.get(userId) ?? { userId, role: 'participant', canEdit: true, kicked: false }),
  );
  dismissFromRoom(room, remove, 'moved');
  return null;
}
