import { randomUUID } from 'node:crypto';
import type { TurnResult } from '../../infra/rooms';
import type { AuthContext } from '../../protocol/auth';
import type { CodeExecuted } from '../../protocol/codeExec';
import { ConflictError, ForbiddenError, NotFoundError } from './errors';
import type { Kata } from './Kata';
import type { BreakoutRoom, KataCommand } from './types';

type Turn = TurnResult<unknown>;
type Command<Op extends KataCommand['op']> = (kata: Kata, auth: AuthContext, command: Extract<KataCommand, { op: Op }>) => Promise<unknown>;

/** A breakout room as the REST replies show it (final code only once the kata ended: GET /v1/katas/{id}). */
export function roomView(kata: Kata, room: BreakoutRoom) {
  return {
    id: room.id,
    name: room.name,
    status: room.status,
    members: [...room.members],
    completed_at: room.completedAt?.toISOString() ?? null,
    result: {
      completed: room.status === 'COMPLETED',
      seconds_to_complete: kata.secondsTo(room.completedAt),
      test_runs: room.testRuns,
      tests_passed: room.lastRun?.tests?.passed ?? null,
      tests_failed: room.lastRun?.tests?.failed ?? null,
      tests_total: room.lastRun?.tests?.total ?? null,
      last_run_status: room.lastRun?.status ?? null,
      final_code: null,
    },
  };
}

function facilitatorOnly(kata: Kata, auth: AuthContext): void {
  if (!kata.isFacilitator(auth)) throw new ForbiddenError("Only the kata's facilitator or a tenant admin may do this");
}

function roomOf(kata: Kata, roomId: string): BreakoutRoom {
  const room = kata.rooms.get(roomId);
  if (!room) throw new NotFoundError('Breakout room');
  return room;
}

/** The dojo's participants in its main room now (observers and facilitators are never assigned). */
async function presentParticipants(kata: Kata): Promise<string[]> {
  const present = await kata.deps.dojo.present(kata.key.tenantId, kata.kata.dojoId);
  return present.filter((p) => p.role === 'participant').map((p) => p.userId);
}

async function mustBePresent(kata: Kata, userIds: readonly string[], field: string): Promise<void> {
  const present = new Set(await presentParticipants(kata));
  const absent = userIds.findIndex((u) => !present.has(u));
  if (absent >= 0) throw new ConflictError('Only participants present in the dojo can be assigned to a room', userIds.length > 1 ? `${field}.${absent}` : field);
}

function roomHasSpace(kata: Kata, room: BreakoutRoom, joining: number): void {
  if (room.status === 'CLOSED') throw new ConflictError('The room is closed');
  if (room.members.size + joining > kata.kata.roomSize) throw new ConflictError(`The room is full: a room holds at most ${kata.kata.roomSize} participants`);
}

/**
 * Moves one participant: to a breakout room, or back to the main room (null). Written first,
 * then the rooms' rosters change (the old room lets them go, the new one admits them), their
 * main-room media pauses or resumes, and everyone hears kata.roomAssigned.
 */
async function moveUser(kata: Kata, userId: string, roomId: string | null): Promise<void> {
  const from = kata.assigned.get(userId) ?? null;
  if (from === roomId) return;
  const { tenantId } = kata.key;
  await kata.deps.store.assign(kata.key, kata.kata.epoch, [[roomId, userId]]);
  if (from) {
    kata.rooms.get(from)?.members.delete(userId);
    kata.assigned.delete(userId);
    await kata.deps.dojo.roster({ tenantId, roomId: from, add: [], remove: [userId] });
  }
  const to = roomId === null ? null : roomOf(kata, roomId);
  if (to) {
    to.members.add(userId);
    kata.assigned.set(userId, to.id);
    await kata.deps.dojo.roster({ tenantId, roomId: to.id, add: [userId], remove: [] });
  }
  if ((from === null) !== (to === null)) await kata.deps.dojo.away(tenantId, kata.kata.dojoId, [userId], to !== null);
  await kata.push('kata.roomAssigned', { kataId: kata.key.kataId, roomId: to?.id ?? null, name: to?.name ?? null, userIds: [userId] });
}

/** Opens rooms (dojo rooms seeded with the starter code), records them, and tells everyone who goes where. */
async function openRooms(kata: Kata, plans: ReadonlyArray<{ name: string; members: string[] }>): Promise<BreakoutRoom[]> {
  const { tenantId, kataId } = kata.key;
  const { dojoId, language, starterCode, tests, roomSize } = kata.kata;
  const first = kata.rooms.size;
  const rooms = plans.map((plan, i): BreakoutRoom => ({
    id: randomUUID(),
    name: plan.name,
    position: first + i + 1,
    status: 'OPEN',
    members: new Set(plan.members),
    completedAt: null,
    testRuns: 0,
    lastRun: null,
  }));
  // Members moving out of another room leave it first (one room at a time).
  const moving = rooms.flatMap((r) => [...r.members]).filter((u) => kata.assigned.has(u));
  for (const userId of moving) await moveUser(kata, userId, null);
  await Promise.all(
    rooms.map((room) => kata.deps.dojo.open({ tenantId, parentDojoId: dojoId, kataId, roomId: room.id, name: room.name, language, starterCode, tests, size: roomSize, members: [...room.members] })),
  );
  await kata.deps.store.addRooms(
    kata.key,
    kata.kata.epoch,
    rooms.map((r) => ({ id: r.id, name: r.name, position: r.position, members: [...r.members] })),
  );
  for (const room of rooms) {
    kata.rooms.set(room.id, room);
    for (const userId of room.members) kata.assigned.set(userId, room.id);
  }
  const away = rooms.flatMap((r) => [...r.members]);
  if (away.length > 0) await kata.deps.dojo.away(tenantId, dojoId, away, true);
  for (const room of rooms) {
    if (room.members.size > 0) await kata.push('kata.roomAssigned', { kataId, roomId: room.id, name: room.name, userIds: [...room.members] });
  }
  return rooms;
}

/** Splits `users` into the fewest rooms of at most `size`, as evenly as possible (sizes differ by one at most). */
export function split<T>(users: readonly T[], size: number): T[][] {
  const count = Math.ceil(users.length / size);
  const groups: T[][] = Array.from({ length: count }, () => []);
  users.forEach((user, i) => groups[i % count]?.push(user));
  return groups;
}

const COMMANDS: { [Op in KataCommand['op']]: Command<Op> } = {
  createRoom: async (kata, auth, { name, members }) => {
    facilitatorOnly(kata, auth);
    const unique = [...new Set(members)];
    if (unique.length > kata.kata.roomSize) throw new ConflictError(`The room is full: a room holds at most ${kata.kata.roomSize} participants`, 'members');
    if (unique.length > 0) await mustBePresent(kata, unique, 'members');
    const [room] = await openRooms(kata, [{ name, members: unique }]);
    return roomView(kata, room as BreakoutRoom);
  },

  autoRooms: async (kata, auth, { size }) => {
    facilitatorOnly(kata, auth);
    if (size > kata.kata.roomSize) throw new ConflictError(`size must be at most the kata's room_size (${kata.kata.roomSize})`, 'size');
    const waiting = (await presentParticipants(kata)).filter((u) => !kata.assigned.has(u));
    if (waiting.length === 0) throw new ConflictError('No present participant is waiting for a room');
    const first = kata.rooms.size;
    const rooms = await openRooms(
      kata,
      split(waiting, size).map((members, i) => ({ name: `Room ${first + i + 1}`, members })),
    );
    return { rooms: rooms.map((r) => roomView(kata, r)) };
  },

  join: async (kata, auth, { roomId }) => {
    const room = roomOf(kata, roomId);
    // A facilitator visits (room.join on the socket) without taking a member's place.
    if (kata.isFacilitator(auth)) return { room_id: room.id, visitor: true };
    if (kata.assigned.get(auth.userId) === room.id) return { room_id: room.id, visitor: false };
    roomHasSpace(kata, room, 1);
    await mustBePresent(kata, [auth.userId], 'user');
    await moveUser(kata, auth.userId, room.id);
    return { room_id: room.id, visitor: false };
  },

  leave: async (kata, auth, { roomId }) => {
    const room = roomOf(kata, roomId);
    if (!kata.isFacilitator(auth)) {
      if (kata.assigned.get(auth.userId) !== room.id) throw new ConflictError('You are not in this room');
      await moveUser(kata, auth.userId, null);
    }
    return { room_id: room.id };
  },

  complete: async (kata, auth, { roomId }) => {
    const room = roomOf(kata, roomId);
    if (!kata.isFacilitator(auth) && !room.members.has(auth.userId)) throw new ForbiddenError("Only the room's members or the facilitator may complete it");
    if (room.status === 'COMPLETED') return roomView(kata, room);
    if (room.status === 'CLOSED') throw new ConflictError('The room is closed');
    if (kata.kata.tests !== null) {
      const tests = room.lastRun?.tests;
      if (!tests || tests.total === 0 || tests.failed > 0 || tests.passed < tests.total) {
        const last = tests ? ` (last run: ${tests.passed} of ${tests.total} passed)` : ' (no run with test results yet)';
        throw new ConflictError(`The kata has tests: the room completes once its last run passes them all${last}`);
      }
    }
    const at = new Date();
    const seconds = kata.secondsTo(at) ?? 0;
    await kata.deps.store.complete(kata.key, kata.kata.epoch, room.id, at, seconds);
    room.status = 'COMPLETED';
    room.completedAt = at;
    await kata.push('kata.roomCompleted', { kataId: kata.key.kataId, roomId: room.id, secondsToComplete: seconds });
    return roomView(kata, room);
  },

  end: async (kata, auth) => {
    facilitatorOnly(kata, auth);
    await kata.end('ended');
    return { ended: true };
  },

  extend: async (kata, auth, { minutes }) => {
    facilitatorOnly(kata, auth);
    const from = Math.max(kata.kata.deadline.getTime(), Date.now());
    const deadline = new Date(from + minutes * kata.deps.options.minuteMs);
    await kata.setDeadline(deadline);
    await kata.push('kata.timer', { kataId: kata.key.kataId, deadline: deadline.toISOString(), extended: true });
    return { deadline: deadline.toISOString() };
  },

  move: async (kata, auth, { userId, roomId }) => {
    facilitatorOnly(kata, auth);
    if (roomId !== null) {
      const room = roomOf(kata, roomId);
      if (kata.assigned.get(userId) !== room.id) {
        roomHasSpace(kata, room, 1);
        await mustBePresent(kata, [userId], 'user_id');
      }
    }
    await moveUser(kata, userId, roomId);
    return { user_id: userId, room_id: roomId };
  },

  release: async (kata, _auth, { userId }) => {
    await moveUser(kata, userId, null);
    return { released: userId };
  },

  broadcast: async (kata, auth, { text }) => {
    facilitatorOnly(kata, auth);
    await kata.push('kata.broadcast', { kataId: kata.key.kataId, text, from: auth.userId });
    return { sent: true };
  },
};

/** Runs one request in the kata's turn. */
export async function runCommand(kata: Kata, auth: AuthContext, command: KataCommand): Promise<Turn> {
  if (kata.ended) throw new ConflictError('The kata has ended');
  const handler = COMMANDS[command.op] as Command<KataCommand['op']>;
  return { value: await handler(kata, auth, command) };
}

/** A run of a breakout room's code (code.executed): counted, and kept as the room's last. */
export async function recordRun(kata: Kata, run: CodeExecuted): Promise<Turn> {
  const room = kata.rooms.get(run.dojoId);
  if (!room || kata.ended) return { value: null };
  const at = new Date(run.finishedAt);
  await kata.deps.store.recordRun(kata.key, kata.kata.epoch, room.id, run.status, run.tests, Number.isNaN(at.getTime()) ? new Date() : at);
  room.testRuns++;
  room.lastRun = { status: run.status, tests: run.tests };
  return { value: null };
}
