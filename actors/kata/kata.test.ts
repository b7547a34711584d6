import test from 'ava';
import { randomUUID } from 'node:crypto';
import { createTenant, type TestTenant, type TestUser } from '../../test/support/accounts';
import type { TestNode } from '../../test/support/node';
import { WsClient, type Frame } from '../../test/support/ws-client';
import { api, clientMsgId, joined, liveDojo } from '../dojo-room/testing';
import { appendEdit, assignmentOf, codeText, startKataNode } from './testing';

// A kata as its users live it, through the gateway with real sockets: a facilitator and 8
// members in a live dojo; the kata splits them into 4 breakout rooms of 2, each with its own
// code and chat; one room completes, the facilitator broadcasts, visits and extends; the end
// leaves results and final code, and everyone is back in the dojo with its chat and code intact.

let app: TestNode;
let tenant: TestTenant;
let stranger: TestTenant;

test.before(async () => {
  app = await startKataNode();
  // One after the other: sign-ups hash passwords, and a busy machine sheds them with 503.
  tenant = await createTenant(app, { members: 8, facilitators: 1 });
  stranger = await createTenant(app);
});

test.after.always(async () => {
  await app?.stop();
});

const STARTER = 'function fizzbuzz(n) {\n}\n';
const chatOf = (room: string) => (f: Frame) => f.method === 'chat.message' && f.room === room;

test('a kata from start to end: breakout rooms with their own code and chat, completion, broadcast, visit, extension, results', async (t) => {
  const fac = tenant.facilitators[0]!;
  const members = tenant.members;
  const dojoId = await liveDojo(app, tenant, fac, members);
  const host = await joined(app, fac, dojoId);
  const people = await Promise.all(members.map((m) => joined(app, m, dojoId)));

  // The main room's own code and chat, to find intact at the end.
  t.true((await host.client.request('code.update', { dojoId, update: appendEdit(host.reply.data.code as string, 'main();') })).ok);
  t.true((await host.client.request('chat.send', { dojoId, text: 'welcome to the dojo', clientMsgId: clientMsgId() })).ok);

  const body = {
    dojo_id: dojoId,
    title: 'FizzBuzz',
    statement: '# FizzBuzz\nPrint *fizz*.',
    language: 'javascript',
    starter_code: STARTER,
    tests: 'assert(fizzbuzz(3))',
    duration_minutes: 30,
    room_size: 2,
  };
  t.like(await api(app, 'POST', '/v1/katas', members[0]!.token, body), { status: 403, body: { error: { code: 'FORBIDDEN' } } });
  const started = await api(app, 'POST', '/v1/katas', fac.token, body);
  t.is(started.status, 201, JSON.stringify(started.body));
  const kataId = started.body.id as string;
  t.like(started.body, { status: 'ACTIVE', dojo_id: dojoId, has_tests: true, room_size: 2, rooms: [] });
  const announced = await Promise.all(people.map((p) => p.client.nextPushOf('kata.started', (d) => d.kataId === kataId)));
  t.true(announced.every((d) => d.deadline === started.body.deadline && d.title === 'FizzBuzz'));

  // Refusals, each with the error body.
  t.like(await api(app, 'POST', '/v1/katas', fac.token, body), { status: 409, body: { error: { code: 'CONFLICT' } } });
  const bad = await api(app, 'POST', '/v1/katas', fac.token, { ...body, duration_minutes: 0, title: undefined });
  t.is(bad.status, 422);
  t.deepEqual(bad.body.error.fields.map((f: { field: string }) => f.field).sort(), ['duration_minutes', 'title']);
  t.like(await api(app, 'POST', `/v1/katas/${kataId}/rooms/auto`, members[0]!.token, { size: 2 }), { status: 403, body: { error: { code: 'FORBIDDEN' } } });
  t.like(await api(app, 'GET', `/v1/katas/${randomUUID()}`, fac.token), { status: 404, body: { error: { code: 'NOT_FOUND' } } });
  t.like(await api(app, 'GET', `/v1/katas/${kataId}`, stranger.admin.token), { status: 404, body: { error: { code: 'NOT_FOUND' } } });
  t.like(await api(app, 'PUT', `/v1/katas/${kataId}/end`, stranger.admin.token), { status: 404, body: { error: { code: 'NOT_FOUND' } } });
  t.like(await api(app, 'POST', `/v1/katas/${kataId}/rooms/auto`, fac.token, { size: 3 }), { status: 409, body: { error: { code: 'CONFLICT' } } });

  // Auto split: 8 present participants into 4 rooms of 2; everyone hears where to go, and goes.
  const auto = await api(app, 'POST', `/v1/katas/${kataId}/rooms/auto`, fac.token, { size: 2 });
  t.is(auto.status, 201, JSON.stringify(auto.body));
  const rooms = auto.body.rooms as Array<{ id: string; name: string; members: string[] }>;
  t.deepEqual(
    rooms.map((r) => r.members.length),
    [2, 2, 2, 2],
  );
  t.deepEqual(rooms.flatMap((r) => r.members).sort(), members.map((m) => m.userId).sort());
  const seats = await Promise.all(
    people.map(async (p, i) => {
      const { roomId } = await assignmentOf(p.client, members[i]!.userId);
      const join = await p.client.request('room.join', { dojoId: roomId });
      return { ...p, user: members[i]!, roomId: roomId as string, join };
    }),
  );
  for (const seat of seats) {
    t.true(seat.join.ok, JSON.stringify(seat.join.error));
    t.is(codeText(seat.join.data.code), STARTER, 'each room starts from the starter code');
    t.is(seat.join.data.parentDojoId, dojoId);
  }
  const inRoom = (roomId: string) => seats.filter((s) => s.roomId === roomId);
  // A room is full at its size; someone not assigned there is refused.
  const [r0, r1, r2] = rooms as [(typeof rooms)[0], (typeof rooms)[0], (typeof rooms)[0]];
  t.like(await api(app, 'PUT', `/v1/katas/${kataId}/move`, fac.token, { user_id: inRoom(r1.id)[0]!.user.userId, room_id: r0.id }), { status: 409, body: { error: { code: 'CONFLICT' } } });
  const intruder = await inRoom(r1.id)[0]!.client.request('room.join', { dojoId: r0.id });
  t.like(intruder, { ok: false, error: { code: 'FORBIDDEN' } });

  // Each room edits its own document and chats; nothing crosses to another room.
  await Promise.all(
    rooms.map(async (room, i) => {
      const [writer, reader] = inRoom(room.id) as [(typeof seats)[0], (typeof seats)[0]];
      t.true((await writer.client.request('code.update', { dojoId: room.id, update: appendEdit(writer.join.data.code, `// team ${i}\n`) })).ok);
      t.true((await writer.client.request('chat.send', { dojoId: room.id, text: `secret of team ${i}`, clientMsgId: clientMsgId() })).ok);
      const heard = await reader.client.nextPush(chatOf(room.id));
      t.is(heard.data.text, `secret of team ${i}`);
    }),
  );

  // Completing needs the tests to pass: first refused, then a run that passed them all (code-exec's event) lets it through.
  const [first] = inRoom(r0.id);
  const early = await api(app, 'PUT', `/v1/katas/${kataId}/rooms/${r0.id}/complete`, first!.user.token);
  t.like(early, { status: 409, body: { error: { code: 'CONFLICT' } } });
  t.regex(early.body.error.message, /tests/);
  t.like(await api(app, 'PUT', `/v1/katas/${kataId}/rooms/${r0.id}/complete`, inRoom(r1.id)[0]!.user.token), { status: 403 });
  const ran = (passed: number, failed: number) => ({
    tenantId: tenant.tenantId,
    dojoId: r0.id,
    executionId: randomUUID(),
    userId: first!.user.userId,
    language: 'javascript',
    // As code-exec reports a finished run (protocol/codeExec.ts on its branch): COMPLETED, with the counts.
    status: 'COMPLETED',
    tests: { passed, failed, total: passed + failed },
    finishedAt: new Date().toISOString(),
  });
  await app.node.broker.emit('code.executed', ran(1, 1));
  await until(async () => (await api(app, 'GET', `/v1/katas/${kataId}`, fac.token)).body.rooms[0].result.test_runs === 1);
  t.like(await api(app, 'PUT', `/v1/katas/${kataId}/rooms/${r0.id}/complete`, first!.user.token), { status: 409 });
  await app.node.broker.emit('code.executed', ran(2, 0));
  await until(async () => (await api(app, 'GET', `/v1/katas/${kataId}`, fac.token)).body.rooms[0].result.test_runs === 2);
  const done = await api(app, 'PUT', `/v1/katas/${kataId}/rooms/${r0.id}/complete`, first!.user.token);
  t.like(done, { status: 200, body: { status: 'COMPLETED', result: { completed: true, test_runs: 2, tests_passed: 2, tests_failed: 0 } } });
  await Promise.all(seats.map((s) => s.client.nextPushOf('kata.roomCompleted', (d) => d.roomId === r0.id)));

  // The facilitator broadcasts to every room (WebSocket), a member may not.
  t.like(await seats[0]!.client.request('kata.broadcast', { kataId, text: 'ten minutes left' }), { ok: false, error: { code: 'FORBIDDEN' } });
  t.like(await host.client.request('kata.broadcast', { kataId, text: 'ten minutes left' }), { ok: true, data: { sent: true } });
  await Promise.all(seats.map((s) => s.client.nextPushOf('kata.broadcast', (d) => d.text === 'ten minutes left' && d.from === fac.userId)));

  // A visit: the facilitator joins a room as a second room, is not counted, hears and speaks there only.
  const visit = await host.client.request('room.join', { dojoId: r2.id });
  t.true(visit.ok, JSON.stringify(visit.error));
  t.is(visit.data.role, 'facilitator');
  t.true((await host.client.request('chat.send', { dojoId: r2.id, text: 'how is it going?', clientMsgId: clientMsgId() })).ok);
  await Promise.all(inRoom(r2.id).map((s) => s.client.nextPush((f) => chatOf(r2.id)(f) && f.data.text === 'how is it going?')));
  // Still in the dojo's main room: its chat reaches members (who are in both).
  t.true((await host.client.request('chat.send', { dojoId, text: 'main room still here', clientMsgId: clientMsgId() })).ok);
  await Promise.all(seats.map((s) => s.client.nextPush((f) => chatOf(dojoId)(f) && f.data.text === 'main room still here')));

  // Extending moves the server's deadline; everyone hears it.
  const extended = await api(app, 'PUT', `/v1/katas/${kataId}/extend`, fac.token, { minutes: 5 });
  t.is(extended.status, 200);
  t.true(Date.parse(extended.body.deadline) > Date.parse(started.body.deadline));
  await Promise.all(seats.map((s) => s.client.nextPushOf('kata.timer', (d) => d.extended === true && d.deadline === extended.body.deadline)));

  // The end: rooms close (their sessions are told), results and final code are kept, kata.ended to all.
  const ended = await api(app, 'PUT', `/v1/katas/${kataId}/end`, fac.token);
  t.is(ended.status, 200, JSON.stringify(ended.body));
  t.like(ended.body, { status: 'ENDED', end_reason: 'ended' });
  const results = await Promise.all(seats.map((s) => s.client.nextPushOf('kata.ended', (d) => d.kataId === kataId)));
  t.true(results.every((r) => r.results.length === 4 && r.reason === 'ended'));
  t.like(
    results[0]!.results.find((r) => r.roomId === r0.id),
    { completed: true, testRuns: 2, tests: { passed: 2, failed: 0, total: 2 } },
  );
  await Promise.all(seats.map((s) => s.client.nextPushOf('room.closed', (d) => d.dojoId === s.roomId)));
  const final = await api(app, 'GET', `/v1/katas/${kataId}`, fac.token);
  for (const [i, room] of rooms.entries()) {
    const row = final.body.rooms.find((r: { id: string }) => r.id === room.id);
    t.is(row.result.final_code, `${STARTER}// team ${i}\n`, `room ${i} kept its own code only`);
    t.is(row.status, i === 0 ? 'COMPLETED' : 'CLOSED');
    const snaps = await api(app, 'GET', `/v1/dojos/${room.id}/snapshots`, fac.token);
    t.is(snaps.body.snapshots[0].text, row.result.final_code, 'the final snapshot is the final code');
  }
  const active = await api(app, 'GET', '/v1/katas/active', fac.token);
  t.false(
    active.body.items.some((k: { id: string }) => k.id === kataId),
    'an ended kata is not active',
  );

  // Everyone is back in the dojo's main room: its chat and code as they were.
  t.true((await seats[3]!.client.request('chat.send', { dojoId, text: 'back in the dojo', clientMsgId: clientMsgId() })).ok);
  await host.client.nextPush((f) => chatOf(dojoId)(f) && f.data.text === 'back in the dojo');
  const late = await joined(app, tenant.admin, dojoId);
  t.is(codeText(late.reply.data.code), 'main();');
  t.true((late.reply.data.chat as Array<{ text: string }>).some((m) => m.text === 'welcome to the dojo'));
  // No room's chat ever reached another room's members.
  for (const seat of seats) {
    const leaked = seat.client.pushes.filter((f) => f.method === 'chat.message' && f.room !== dojoId && f.room !== seat.roomId);
    t.deepEqual(leaked, [], 'no chat from another breakout room');
  }
  // Breakout rooms are not dojos of their own in the dojo list.
  const list = await api(app, 'GET', '/v1/dojos', fac.token);
  const listed = new Set(list.body.items.map((d: { id: string }) => d.id));
  t.true(listed.has(dojoId));
  t.false(
    rooms.some((r) => listed.has(r.id)),
    'no breakout room in the list',
  );
  await Promise.all([host, late, ...seats].map((s) => s.client.close()));
});

test('the kata library: create, list, update, archive; a kata starts from a saved exercise', async (t) => {
  const fac = tenant.facilitators[0]!;
  const exercise = { title: 'Roman numerals', statement: 'Convert **1994**.', language: 'python', starter_code: 'def roman(n):\n    pass\n', tests: null };
  t.like(await api(app, 'POST', '/v1/kata-exercises', tenant.members[0]!.token, exercise), { status: 403 });
  const created = await api(app, 'POST', '/v1/kata-exercises', fac.token, exercise);
  t.is(created.status, 201, JSON.stringify(created.body));
  const id = created.body.id as string;
  t.like(await api(app, 'GET', '/v1/kata-exercises', tenant.members[0]!.token), { status: 200, body: { total: 1, items: [{ id, title: 'Roman numerals' }] } });
  t.like(await api(app, 'PUT', `/v1/kata-exercises/${id}`, fac.token, { ...exercise, title: 'Roman numerals II' }), { status: 200, body: { title: 'Roman numerals II' } });
  t.like(await api(app, 'GET', `/v1/kata-exercises/${id}`, stranger.admin.token), { status: 404 });

  const dojoId = await liveDojo(app, tenant, fac, tenant.members.slice(0, 2));
  const started = await api(app, 'POST', '/v1/katas', fac.token, { dojo_id: dojoId, exercise_id: id, duration_minutes: 10 });
  t.is(started.status, 201, JSON.stringify(started.body));
  t.like(started.body, { title: 'Roman numerals II', language: 'python', starter_code: exercise.starter_code, has_tests: false, exercise_id: id, room_size: 4 });
  t.like(await api(app, 'POST', '/v1/katas', fac.token, { dojo_id: dojoId, exercise_id: id, title: 'x', duration_minutes: 10 }), { status: 422 });
  // A member of the dojo sees it among the active katas.
  const active = await api(app, 'GET', '/v1/katas/active', tenant.members[0]!.token);
  t.true(active.body.items.some((k: { id: string }) => k.id === started.body.id));
  t.false((await api(app, 'GET', '/v1/katas/active', stranger.admin.token)).body.items.some((k: { id: string }) => k.id === started.body.id));

  t.like(await api(app, 'DELETE', `/v1/kata-exercises/${id}`, fac.token), { status: 200, body: { archived: true } });
  t.like(await api(app, 'GET', '/v1/kata-exercises', fac.token), { body: { total: 0 } });
  t.like(await api(app, 'PUT', `/v1/katas/${started.body.id}/end`, fac.token), { status: 200, body: { status: 'ENDED' } });
});

/** Polls `check` until it holds (a state reached through an event, which has no reply to wait for). */
async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('who can be assigned: present participants only, observers stay, late joiners later; members move themselves one room at a time', async (t) => {
  const fac = tenant.facilitators[0]!;
  const [m1, m2, m3, late, watcher] = tenant.members as [TestUser, TestUser, TestUser, TestUser, TestUser];
  const dojoId = await liveDojo(app, tenant, fac, [m1, m2, m3, late], { observers: [watcher] });
  const host = await joined(app, fac, dojoId);
  const present = await Promise.all([m1, m2, m3, watcher].map((u) => joined(app, u, dojoId)));
  const started = await api(app, 'POST', '/v1/katas', fac.token, { dojo_id: dojoId, title: 'Rules', statement: 'x', language: 'go', duration_minutes: 30, room_size: 2 });
  t.is(started.status, 201);
  const kataId = started.body.id as string;

  // Someone not in the dojo's room now cannot be assigned; the observer neither.
  const absent = await api(app, 'POST', `/v1/katas/${kataId}/rooms`, fac.token, { name: 'Pair', members: [m1.userId, late.userId] });
  t.like(absent, { status: 409, body: { error: { code: 'CONFLICT', fields: [{ field: 'members.1' }] } } });
  t.like(await api(app, 'POST', `/v1/katas/${kataId}/rooms`, fac.token, { name: 'Pair', members: [watcher.userId] }), { status: 409 });
  t.like(await api(app, 'POST', `/v1/katas/${kataId}/rooms`, fac.token, { name: 'Crowd', members: [m1.userId, m2.userId, m3.userId] }), { status: 409 });

  // Auto: the 3 present participants into 2 rooms (2 + 1); the observer stays in the main room.
  const auto = await api(app, 'POST', `/v1/katas/${kataId}/rooms/auto`, fac.token, { size: 2 });
  t.is(auto.status, 201);
  t.deepEqual(auto.body.rooms.map((r: { members: string[] }) => r.members.length).sort(), [1, 2]);
  t.false(auto.body.rooms.some((r: { members: string[] }) => r.members.includes(watcher.userId)));
  t.like(await api(app, 'POST', `/v1/katas/${kataId}/rooms/auto`, fac.token, { size: 2 }), { status: 409 }, 'nobody is left waiting');

  // A late joiner arrives and is split into a room of its own by the next auto.
  const arrived = await joined(app, late, dojoId);
  const again = await api(app, 'POST', `/v1/katas/${kataId}/rooms/auto`, fac.token, { size: 2 });
  t.like(again, { status: 201, body: { rooms: [{ name: 'Room 3', members: [late.userId] }] } });
  await assignmentOf(arrived.client, late.userId);

  // A member moves into the room with space (one room at a time) and back to the main room.
  const single = auto.body.rooms.find((r: { members: string[] }) => r.members.length === 1);
  const pair = auto.body.rooms.find((r: { members: string[] }) => r.members.length === 2);
  const mover = [m1, m2, m3].find((u) => pair.members.includes(u.userId))!;
  t.like(await api(app, 'PUT', `/v1/katas/${kataId}/rooms/${single.id}/join`, mover.token), { status: 200, body: { room_id: single.id, visitor: false } });
  const view = await api(app, 'GET', `/v1/katas/${kataId}`, mover.token);
  t.true(view.body.rooms.find((r: { id: string }) => r.id === single.id).members.includes(mover.userId));
  t.false(view.body.rooms.find((r: { id: string }) => r.id === pair.id).members.includes(mover.userId));
  t.like(await api(app, 'PUT', `/v1/katas/${kataId}/rooms/${pair.id}/leave`, mover.token), { status: 409 }, 'not in that room');
  t.like(await api(app, 'PUT', `/v1/katas/${kataId}/rooms/${single.id}/leave`, mover.token), { status: 200 });
  t.like(await api(app, 'PUT', `/v1/katas/${kataId}/rooms/${randomUUID()}/join`, mover.token), { status: 404, body: { error: { code: 'NOT_FOUND' } } });
  // The facilitator "joins" as a visitor: nobody's place is taken.
  t.like(await api(app, 'PUT', `/v1/katas/${kataId}/rooms/${pair.id}/join`, fac.token), { status: 200, body: { visitor: true } });
  // A member cannot move others, extend or end.
  t.like(await api(app, 'PUT', `/v1/katas/${kataId}/move`, mover.token, { user_id: m3.userId, room_id: null }), { status: 403 });
  t.like(await present[0]!.client.request('kata.extend', { kataId, minutes: 5 }), { ok: false, error: { code: 'FORBIDDEN' } });
  t.like(await api(app, 'PUT', `/v1/katas/${kataId}/end`, mover.token), { status: 403 });
  t.like(await host.client.request('kata.move', { kataId, userId: m3.userId, roomId: null }), { ok: true, data: { room_id: null } });
  t.like(await api(app, 'PUT', `/v1/katas/${kataId}/end`, fac.token), { status: 200 });
  await Promise.all([host, arrived, ...present].map((s) => s.client.close()));
});

test('stopping the dojo ends its kata: rooms closed, results kept', async (t) => {
  const fac = tenant.facilitators[0]!;
  const [m1, m2] = tenant.members as [TestUser, TestUser];
  const dojoId = await liveDojo(app, tenant, fac, [m1, m2]);
  const people = await Promise.all([m1, m2].map((u) => joined(app, u, dojoId)));
  const started = await api(app, 'POST', '/v1/katas', fac.token, { dojo_id: dojoId, title: 'Short', statement: 'x', language: 'go', starter_code: 'package main\n', duration_minutes: 30 });
  const kataId = started.body.id as string;
  const auto = await api(app, 'POST', `/v1/katas/${kataId}/rooms/auto`, fac.token, { size: 2 });
  t.is(auto.status, 201);
  t.is((await api(app, 'POST', '/v1/dojo/stop', fac.token, { tenant_id: tenant.tenantId, dojo_id: dojoId })).status, 200);
  let kata = await api(app, 'GET', `/v1/katas/${kataId}`, fac.token);
  for (const until = Date.now() + 10_000; kata.body.status !== 'ENDED' && Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
    kata = await api(app, 'GET', `/v1/katas/${kataId}`, fac.token);
  }
  t.like(kata.body, { status: 'ENDED', end_reason: 'ended', rooms: [{ status: 'CLOSED', result: { final_code: 'package main\n' } }] });
  await Promise.all(people.map((p) => p.client.close()));
});

test('kata pushes ride on the dojo room seq: a member in a breakout room who drops resumes both rooms and misses nothing', async (t) => {
  const fac = tenant.facilitators[0]!;
  const [m1, m2] = tenant.members.slice(6) as [TestUser, TestUser];
  const dojoId = await liveDojo(app, tenant, fac, [m1, m2]);
  const host = await joined(app, fac, dojoId);
  const [first, second] = await Promise.all([m1, m2].map((u) => joined(app, u, dojoId)));
  const started = await api(app, 'POST', '/v1/katas', fac.token, { dojo_id: dojoId, title: 'Resume', statement: 'x', language: 'go', duration_minutes: 60, room_size: 2 });
  const kataId = started.body.id as string;
  t.is((await api(app, 'POST', `/v1/katas/${kataId}/rooms/auto`, fac.token, { size: 2 })).status, 201);
  const { roomId } = await assignmentOf(first!.client, m1.userId);
  const join = await first!.client.request('room.join', { dojoId: roomId });
  t.true(join.ok);
  await second!.client.request('room.join', { dojoId: roomId! });

  // Where the client is in each room: the highest seq it saw there (its join replies count).
  const last: Record<string, number> = { [dojoId]: first!.reply.data.seq as number, [roomId!]: join.data.seq as number };
  for (const f of first!.client.pushes) if (f.room && f.seq !== undefined) last[f.room] = Math.max(last[f.room] ?? 0, f.seq);

  first!.client.socket.terminate();
  t.like(await host.client.request('kata.broadcast', { kataId, text: 'while you were away' }), { ok: true });
  t.true((await second!.client.request('chat.send', { dojoId: roomId, text: 'room talk meanwhile', clientMsgId: clientMsgId() })).ok);

  const back = await WsClient.connect(app.wsUrl, m1.token);
  await back.nextPushOf('session.welcome');
  const resumed = await back.request('session.resume', { sessionId: first!.sessionId, lastSeq: 0, lastSeqs: last });
  t.like(resumed, { ok: true, data: { sessionId: first!.sessionId } });
  const broadcast = await back.nextPush((f) => f.method === 'kata.broadcast' && f.room === dojoId);
  t.is(broadcast.data.text, 'while you were away');
  t.true(broadcast.seq! > last[dojoId]!, 'after what the client had of the dojo room');
  await back.nextPush((f) => f.method === 'chat.message' && f.room === roomId && f.data.text === 'room talk meanwhile');
  t.like(await api(app, 'PUT', `/v1/katas/${kataId}/end`, fac.token), { status: 200 });
  await Promise.all([host.client, back, second!.client].map((c) => c.close()));
});
