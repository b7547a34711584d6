import type { RoomNaming } from '../../infra/rooms';
import type { AuthContext } from '../../protocol/auth';
import type { CodeExecuted } from '../../protocol/codeExec';

/** Which kata: always inside its tenant, so another tenant's id finds nothing. */
export interface KataKey {
  tenantId: string;
  kataId: string;
}

/** One activation per kata (its timer, assignments, rooms' states and results), named apart from dojo rooms. */
export const KATA_ROOMS: RoomNaming<KataKey> = {
  id: (key) => `${key.tenantId}:${key.kataId}`,
  lease: (key) => `kata:${key.tenantId}:${key.kataId}`,
  // A kata pushes through its dojo's main room (protocol/kata.ts); this topic carries nothing.
  topic: (key) => `kata/${key.tenantId}/${key.kataId}`,
};

export type KataStatus = 'ACTIVE' | 'ENDED';
export type RoomStatus = 'OPEN' | 'COMPLETED' | 'CLOSED';
export type EndReason = 'ended' | 'timeout';

/** The kata row as its activation needs it. */
export interface KataRecord {
  id: string;
  tenantId: string;
  dojoId: string;
  facilitatorId: string;
  title: string;
  statement: string;
  language: string;
  starterCode: string;
  tests: string | null;
  roomSize: number;
  startedAt: Date;
  deadline: Date;
  readOnly: boolean;
  epoch: number;
}

export interface TestCounts {
  passed: number;
  failed: number;
  total: number;
}

/** A breakout room as the kata keeps it. */
export interface BreakoutRoom {
  id: string;
  name: string;
  position: number;
  status: RoomStatus;
  members: Set<string>;
  completedAt: Date | null;
  testRuns: number;
  /** The room's last run of its code (code.executed): a run that reported no tests proves nothing. */
  lastRun: { status: string; tests: TestCounts | null } | null;
}

/** What an activation loads. */
export interface PersistedKata {
  kata: KataRecord;
  rooms: BreakoutRoom[];
}

/** A facilitator's or member's request, run in the kata's turn. */
export type KataCommand =
  | { op: 'createRoom'; name: string; members: string[] }
  | { op: 'autoRooms'; size: number }
  | { op: 'join'; roomId: string }
  | { op: 'leave'; roomId: string }
  | { op: 'complete'; roomId: string }
  | { op: 'end' }
  | { op: 'extend'; minutes: number }
  | { op: 'move'; userId: string; roomId: string | null }
  | { op: 'broadcast'; text: string }
  /** The participant left the dojo (past the departure timeout): their place is freed. */
  | { op: 'release'; userId: string };

/** Everything a kata handles, one at a time. Plain data: it crosses the transporter when forwarded. */
export type KataCall =
  | { kind: 'command'; auth: AuthContext; command: KataCommand }
  /** A kata was started (or the sweep found it live nowhere): activate it, so its timer runs. */
  | { kind: 'wake'; announce: boolean }
  /** Its dojo was stopped: the kata ends with it. */
  | { kind: 'dojo-stopped' }
  /** code-exec ran a breakout room's code (code.executed). */
  | { kind: 'test-run'; run: CodeExecuted };
