import { randomUUID } from 'node:crypto';
import test from 'ava';
import { QueryTypes } from 'sequelize';
import type { Database } from '../../infra/db/database';
import type { Logger } from '../../infra/logger';
import { seedLiveDojos } from '../../test/support/seed';
import { WsClient } from '../../test/support/ws-client';
import type { TestNode } from '../../test/support/node';
import { Attendance } from './Attendance';
import { FencedOutError } from './errors';
import type { AttendanceEntry } from './RoomStore';
import { startDojoNode } from './testing';

// Attendance under a join storm (issue 21): coalesced per room, retried, never lost.

const ROOMS = 3;
const PER_ROOM = 100;

let app: TestNode;

test.before(async () => {
  app = await startDojoNode();
});

test.after.always(async () => {
  await app?.stop();
});

async function countWhere(db: Database, dojoIds: string[], condition: string): Promise<number> {
  const row = await db.asSystem(() =>
    db.sequelize.query<{ n: number }>(`SELECT count(*)::int AS n FROM dojo_participants WHERE dojo_id = ANY($1::uuid[]) AND ${condition}`, { bind: [dojoIds], plain: true, type: QueryTypes.SELECT }),
  );
  return row?.n ?? 0;
}

/** Polls `read` until it returns `expected` or stops changing for 15 s; returns the last value. */
async function settle(read: () => Promise<number>, expected: number): Promise<number> {
  let last = -1;
  let since = Date.now();
  for (;;) {
    const now = await read();
    if (now === expected) return now;
    if (now !== last) since = Date.now();
    else if (Date.now() - since > 15_000) return now;
    last = now;
    await new Promise((r) => setTimeout(r, 200));
  }
}

test.serial('a join storm loses no attendance row, and leaving records time present for everyone', async (t) => {
  const db = app.node.infra.database as Database;
  const { dojoIds, tokens } = await seedLiveDojos(db, app.node.infra.jwtSecret, ROOMS * PER_ROOM, ROOMS);
  const clients = await Promise.all(tokens.map((token) => WsClient.connect(app.wsUrl, token)));
  // Everyone at once; a busy refusal (the node shedding load) is retried, as the SDK does.
  const replies = await Promise.all(
    clients.map(async (client, i) => {
      for (;;) {
        const reply = await client.request('room.join', { dojoId: dojoIds[Math.floor(i / PER_ROOM)] }, 60_000);
        if (reply.ok || reply.error?.code !== 'SERVICE_UNAVAILABLE') return reply;
        await new Promise((r) => setTimeout(r, 200));
      }
    }),
  );
  t.deepEqual(
    replies.filter((r) => !r.ok),
    [],
  );
  t.is(await settle(() => countWhere(db, dojoIds, 'first_joined_at IS NOT NULL'), ROOMS * PER_ROOM), ROOMS * PER_ROOM);

  const left = await Promise.all(clients.map((client) => client.request('room.leave', {}, 60_000)));
  t.true(left.every((r) => r.ok));
  t.is(await settle(() => countWhere(db, dojoIds, 'last_left_at IS NOT NULL'), ROOMS * PER_ROOM), ROOMS * PER_ROOM);
  await Promise.all(clients.map((c) => c.close()));
});

// The coalescer itself, against a store that fails as a database can.

const KEY = { tenantId: randomUUID(), dojoId: randomUUID() };

function recordingLogger(): Logger & { errors: string[]; warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  return { errors, warnings, info() {}, debug() {}, warn: (_o: object, m?: string) => void warnings.push(m ?? ''), error: (_o: object, m?: string) => void errors.push(m ?? '') } as never;
}

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('a failed flush is tried again with what came meanwhile, each user once, time present added once', async (t) => {
  const batches: AttendanceEntry[][] = [];
  let failuresLeft = 2;
  const store = {
    async attendance(_key: unknown, _epoch: number, entries: readonly AttendanceEntry[]) {
      if (failuresLeft-- > 0) throw new Error('Operation timeout');
      batches.push(entries.map((e) => ({ ...e })));
    },
  };
  const logger = recordingLogger();
  const attendance = new Attendance(KEY, 1, store, logger, () => t.fail('not fenced'));
  for (const u of ['a', 'b', 'c']) attendance.joined(u, 'participant');
  attendance.left('a', 3);
  await until(() => failuresLeft < 2);
  // Arrives while the first try is failing: goes out with it on the next try.
  attendance.left('a', 4);
  attendance.joined('d', 'observer');
  await until(() => attendance.pending === 0 && batches.length > 0);
  const written = batches.flat();
  t.deepEqual(written.map((e) => e.userId).sort(), ['a', 'b', 'c', 'd']);
  t.like(
    written.find((e) => e.userId === 'a'),
    { joined: 'participant', seconds: 7 },
  );
  t.like(
    written.find((e) => e.userId === 'd'),
    { joined: 'observer' },
  );
  t.is(logger.warnings.length, 2);
  t.deepEqual(logger.errors, []);
});

test('a user the database refuses fails alone; the others of the batch are written', async (t) => {
  const written: string[] = [];
  const store = {
    async attendance(_key: unknown, _epoch: number, entries: readonly AttendanceEntry[]) {
      // SQLSTATE 23503: the user was deleted meanwhile (foreign key).
      if (entries.some((e) => e.userId === 'ghost')) throw Object.assign(new Error('fk'), { original: { code: '23503' } });
      written.push(...entries.map((e) => e.userId));
    },
  };
  const logger = recordingLogger();
  const attendance = new Attendance(KEY, 1, store, logger, () => t.fail('not fenced'));
  for (const u of ['a', 'b', 'ghost', 'c', 'd', 'e']) attendance.joined(u, 'participant');
  await attendance.close();
  t.deepEqual(written.sort(), ['a', 'b', 'c', 'd', 'e']);
  t.is(logger.errors.length, 1);
  t.is(attendance.pending, 0);
});

test('a fenced flush drops its entries and tells the room (a newer activation has the members)', async (t) => {
  let fenced = 0;
  const store = {
    async attendance(): Promise<void> {
      throw new FencedOutError('attendance');
    },
  };
  const attendance = new Attendance(KEY, 1, store, recordingLogger(), () => void fenced++);
  attendance.joined('a', 'participant');
  await until(() => fenced > 0);
  t.is(attendance.pending, 0);
  t.is(fenced, 1);
});
