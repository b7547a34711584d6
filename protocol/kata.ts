import { z } from 'zod';
import { uuid } from './rest/common';
import { freeText, validatedLater } from './text';
import type { PushMethod } from './push';

/**
 * What the kata actor and the dojo-room actor say to each other about breakout rooms (a breakout
 * room is a dojo room: a child row of its dojo), and the code-exec event the kata listens to.
 * Both sides import these from here; neither imports the other.
 */

/** dojo-room.openBreakout: create (idempotently) a breakout room of a live dojo, seeded with the starter code. */
export const openBreakoutParams = z.object({
  tenantId: uuid,
  parentDojoId: uuid,
  kataId: uuid,
  roomId: uuid,
  name: z.string().min(1).max(100),
  language: z.string().min(1).max(50),
  starterCode: freeText(z.string().max(200_000)),
  /** The kata's tests: stored on the room (dojos.tests), so code.run there runs them. */
  tests: freeText(z.string().max(200_000)).nullable(),
  /** The most participants the room admits (visiting facilitators are not counted). */
  size: z.number().int().min(1).max(100),
  members: z.array(uuid).max(100),
});
export type OpenBreakoutParams = z.output<typeof openBreakoutParams>;

/** dojo-room.breakoutRoster: members assigned to (add) or moved out of (remove) a breakout room. */
export const breakoutRosterParams = z.object({
  tenantId: uuid,
  roomId: uuid,
  add: z.array(uuid).max(100),
  remove: z.array(uuid).max(100),
});
export type BreakoutRosterParams = z.output<typeof breakoutRosterParams>;

/** dojo-room.breakoutReadOnly: the kata's deadline passed (true) or was extended (false). */
export const breakoutReadOnlyParams = z.object({ tenantId: uuid, roomIds: z.array(uuid).max(1000), readOnly: z.boolean() });

/** dojo-room.closeBreakout: the kata ended; answers the room's final code. */
export const closeBreakoutParams = z.object({ tenantId: uuid, roomId: uuid });

/** dojo-room.present: who is in a live room now (a disconnected member counts until the departure timeout). */
export const presentParams = z.object({ tenantId: uuid, dojoId: uuid });
export const presentReply = z.array(z.object({ userId: uuid, role: z.enum(['facilitator', 'participant', 'observer']) }));

/** The pushes a kata sends through its dojo's main room (so they share the room's seq for session.resume). */
export const KATA_PUSHES = ['kata.started', 'kata.roomAssigned', 'kata.timer', 'kata.broadcast', 'kata.roomCompleted', 'kata.ended'] as const satisfies readonly PushMethod[];
export type KataPush = (typeof KATA_PUSHES)[number];

/** dojo-room.kataPush: one kata push to everyone in the main room. The data is the kata's own, typed by PUSH_SCHEMAS at the sender. */
export const kataPushParams = z.object({
  tenantId: uuid,
  dojoId: uuid,
  method: z.enum(KATA_PUSHES),
  // Built by the kata from input the protocol's schemas checked (a Markdown statement, a broadcast with line breaks).
  data: validatedLater(z.record(z.string(), z.unknown())),
});
export type KataPushParams = z.output<typeof kataPushParams>;

/** dojo-room.away: these users are in a breakout room (their main-room media pauses) or back (it resumes). */
export const awayParams = z.object({ tenantId: uuid, dojoId: uuid, userIds: z.array(uuid).max(1000), away: z.boolean() });

/** dojo-room's event once a dojo was stopped: a kata running in it ends. */
export const dojoStopped = z.object({ tenantId: uuid, dojoId: uuid });

/** dojo-room's event when a participant's last session left a dojo (past the departure timeout, or by leaving): a kata frees their place. */
export const participantLeft = z.object({ tenantId: uuid, dojoId: uuid, userId: uuid });
