import test from 'ava';
import { createTenant, type TestTenant } from '../../test/support/accounts';
import type { TestNode } from '../../test/support/node';
import { api, clientMsgId, joined, liveDojo } from '../dojo-room/testing';
import { appendEdit, assignmentOf, startKataNode } from './testing';

// The server's timer: clients get a deadline; when it passes the breakout rooms turn read-only,
// an extension makes them editable again, and without one the kata ends on its own.
// A "minute" lasts 3 s here (KataOptions.minuteMs) so a deadline passes within the test, and a
// dropped member leaves the dojo after 300 ms.

let app: TestNode;
let tenant: TestTenant;

test.before(async () => {
  app = await startKataNode({ minuteMs: 3_000, endGraceMs: 500 }, { departureTimeoutMs: 300 });
  tenant = await createTenant(app, { members: 4, facilitators: 1 });
});

test.after.always(async () => {
  await app?.stop();
});

test('at the deadline rooms are read-only; an extension reopens them; without one the kata ends by itself', async (t) => {
  const fac = tenant.facilitators[0]!;
  const dojoId = await liveDojo(app, tenant, fac, tenant.members.slice(0, 2));
  const host = await joined(app, fac, dojoId);
  const [a, b] = await Promise.all(tenant.members.slice(0, 2).map((m) => joined(app, m, dojoId)));
  const started = await api(app, 'POST', '/v1/katas', fac.token, { dojo_id: dojoId, title: 'Clock', statement: 'tick', language: 'javascript', starter_code: '', duration_minutes: 1, room_size: 2 });
  t.is(started.status, 201, JSON.stringify(started.body));
  const kataId = started.body.id as string;
  t.like(await api(app, 'POST', `/v1/katas/${kataId}/rooms/auto`, fac.token, { size: 2 }), { status: 201 });
  const { roomId } = await assignmentOf(a!.client, tenant.members[0]!.userId);
  const join = await a!.client.request('room.join', { dojoId: roomId });
  t.true(join.ok);

  // The deadline passes: everyone hears it, with when the kata ends; the room refuses edits.
  const expired = await host.client.nextPushOf('kata.timer', (d) => d.expired === true);
  t.is(expired.deadline, started.body.deadline);
  t.true(Date.parse(expired.endsAt!) > Date.parse(expired.deadline));
  await a!.client.nextPushOf('room.updated', (d) => d.reason === 'readOnly' && d.readOnly === true);
  const refused = await a!.client.request('code.update', { dojoId: roomId, update: appendEdit(join.data.code, 'late') });
  t.like(refused, { ok: false, error: { code: 'FORBIDDEN' } });
  t.regex(refused.error!.message, /time is up/);
  // Chat still works: only the code is frozen.
  t.true((await a!.client.request('chat.send', { dojoId: roomId, text: 'we were so close', clientMsgId: clientMsgId() })).ok);

  // Extended: editable again until the new deadline.
  const extended = await api(app, 'PUT', `/v1/katas/${kataId}/extend`, fac.token, { minutes: 1 });
  t.is(extended.status, 200);
  await a!.client.nextPushOf('room.updated', (d) => d.reason === 'readOnly' && d.readOnly === false);
  t.true((await a!.client.request('code.update', { dojoId: roomId, update: appendEdit(join.data.code, 'in time') })).ok);

  // Nobody extends again: read-only, then the kata ends on its own with its results.
  await host.client.nextPushOf('kata.timer', (d) => d.expired === true && d.deadline === extended.body.deadline);
  const ended = await b!.client.nextPushOf('kata.ended', (d) => d.kataId === kataId, 15_000);
  t.is(ended.reason, 'timeout');
  t.deepEqual(
    ended.results[0]?.members.sort(),
    tenant.members
      .slice(0, 2)
      .map((m) => m.userId)
      .sort(),
  );
  await a!.client.nextPushOf('room.closed', (d) => d.dojoId === roomId);
  const kata = await api(app, 'GET', `/v1/katas/${kataId}`, fac.token);
  t.like(kata.body, { status: 'ENDED', end_reason: 'timeout', read_only: true });
  t.is(kata.body.rooms[0].result.final_code, 'in time');
  t.like(await api(app, 'PUT', `/v1/katas/${kataId}/extend`, fac.token, { minutes: 1 }), { status: 409, body: { error: { code: 'CONFLICT' } } });
  await Promise.all([host, a!, b!].map((s) => s.client.close()));
});

test('a member who drops keeps their place for the departure timeout, then it is freed', async (t) => {
  const fac = tenant.facilitators[0]!;
  const [stays, drops] = tenant.members.slice(2) as [(typeof tenant.members)[0], (typeof tenant.members)[0]];
  const dojoId = await liveDojo(app, tenant, fac, [stays, drops]);
  const host = await joined(app, fac, dojoId);
  const [kept, gone] = await Promise.all([stays, drops].map((m) => joined(app, m, dojoId)));
  const started = await api(app, 'POST', '/v1/katas', fac.token, { dojo_id: dojoId, title: 'Places', statement: 'x', language: 'go', duration_minutes: 60, room_size: 2 });
  const kataId = started.body.id as string;
  const auto = await api(app, 'POST', `/v1/katas/${kataId}/rooms/auto`, fac.token, { size: 2 });
  t.deepEqual(auto.body.rooms[0].members.sort(), [stays.userId, drops.userId].sort());

  // The socket drops without a goodbye: after the departure timeout the dojo lets them go, and so does the room.
  gone!.client.socket.terminate();
  const freed = await host.client.nextPushOf('kata.roomAssigned', (d) => d.roomId === null && d.userIds.includes(drops.userId));
  t.is(freed.kataId, kataId);
  const kata = await api(app, 'GET', `/v1/katas/${kataId}`, fac.token);
  t.deepEqual(kata.body.rooms[0].members, [stays.userId]);
  t.like(await api(app, 'PUT', `/v1/katas/${kataId}/end`, fac.token), { status: 200 });
  await Promise.all([host, kept!].map((s) => s.client.close()));
});
