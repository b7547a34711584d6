import type { RoomNaming } from '../../infra/rooms';
import type { AuthContext, RoomRole } from '../../protocol/auth';
import type { CodeEvent, CodeLanguage } from '../../protocol/codeExec';
import type { KataPush } from '../../protocol/kata';
import type { SessionEvent, SignalParams } from '../../protocol/signal';

export type { RoomRole };

export type DojoStatus = 'SCHEDULED' | 'ACTIVE' | 'COMPLETED' | 'CANCELLED';

/** Which room: rooms are always addressed inside their tenant, so another tenant's id finds nothing. */
export interface RoomKey {
  tenantId: string;
  dojoId: string;
}

/** Lease and topic names as they were before the room kit, so nodes of both builds agree. */
export const DOJO_ROOMS: RoomNaming<RoomKey> = {
  id: (key) => `${key.tenantId}:${key.dojoId}`,
  lease: (key) => `room:${key.tenantId}:${key.dojoId}`,
  topic: (key) => `room/${key.tenantId}/${key.dojoId}`,
};

/** The dojo row as the room needs it. */
export interface DojoRecord {
  id: string;
  tenantId: string;
  facilitatorId: string;
  subject: string;
  language: string | null;
  status: DojoStatus;
  maxParticipants: number;
  classroom: boolean;
  /** The dojo is being recorded: every activation of its room records. */
  recording: boolean;
  /** The tests the room's code runs against (a kata's; null: runs are plain). */
  tests: string | null;
  epoch: number;
  /** A kata's breakout room: the dojo it belongs to (null for a dojo). */
  parentDojoId: string | null;
  /** A breakout room whose kata's time is up: nobody edits the code. */
  readOnly: boolean;
}

/** An invited user of the dojo (dojo_participants). */
export interface RosterEntry {
  userId: string;
  role: RoomRole;
  canEdit: boolean;
  kicked: boolean;
}

export interface ChatRecord {
  messageId: string;
  tenantId: string;
  dojoId: string;
  userId: string;
  clientMsgId: string;
  text: string;
  /** ISO time */
  createdAt: string;
  status: 'A' | 'R';
}

/** What an activation loads from the database. */
export interface PersistedRoom {
  dojo: DojoRecord;
  roster: RosterEntry[];
  code: { state: Uint8Array | null; updates: Uint8Array[]; lastUpdateId: number; updateCount: number };
  chat: ChatRecord[];
  /** The previous activation never closed (its node died or lost the lease): this one is a failover. */
  takenOver: boolean;
}

/** Everything a room handles, one at a time. Plain data: it crosses the transporter when forwarded. */
export type RoomCall =
  | { kind: 'signal'; auth: AuthContext; params: SignalParams }
  | { kind: 'session'; event: 'detached' | 'resumed' | 'ended'; session: SessionEvent }
  | { kind: 'close'; reason: 'stopped' }
  | { kind: 'classroom'; enabled: boolean; editors: string[] }
  /** Members added (or a kicked user admitted again) and removed through REST (DojoChanges): the roster follows. */
  | { kind: 'members'; add: RosterEntry[]; remove: string[] }
  /** POST /v1/dojo/start: the session records (checked by the REST side: a facilitator asks). */
  | { kind: 'recording'; on: boolean }
  /** Messages soft-deleted outside the room (POST /v1/user/messages): drop them live too. */
  | { kind: 'chat-removed'; messageIds: string[]; by: string }
  /** POST /v1/dojos/{id}/executions: run the room's current code (the REST side checked membership). */
  | { kind: 'run-code'; userId: string; language?: CodeLanguage }
  /** A push of code-exec about a run of this room (code.runStarted / code.output / code.result). */
  | { kind: 'code-event'; event: CodeEvent }
  // What a kata asks of its breakout rooms and of its dojo's main room (see Breakouts.ts):
  /** Members assigned to this breakout room, or moved out of it. */
  | { kind: 'roster'; add: string[]; remove: string[] }
  | { kind: 'read-only'; readOnly: boolean }
  /** The kata ended: edits stop and the code is written; answers the final text. */
  | { kind: 'finish' }
  /** Who is in the room now. */
  | { kind: 'present' }
  /** A kata push to everyone in the room, with the room's seq. */
  | { kind: 'kata-push'; method: KataPush; data: Record<string, unknown> }
  /** Users away in a breakout room (their media here pauses) or back (it resumes). */
  | { kind: 'away'; userIds: string[]; away: boolean };
