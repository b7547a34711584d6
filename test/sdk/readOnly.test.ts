import test from 'ava';
import { api, liveDojo } from '../../actors/dojo-room/testing';
import { startKataNode } from '../../actors/kata/testing';
import type { PocdojoClient, PushData } from '../../clients/sdk/src/index';
import { createTenant, type TestTenant } from '../support/accounts';
import type { TestNode } from '../support/node';
import { eventually, sdkClient } from './support';

// A kata's breakout room through the SDK: when its time is up (room.updated readOnly) the Room
// says so and the shared code stops sending edits (the server would refuse them); when the
// facilitator extends the time, what was typed meanwhile goes out and reaches the room.
// A "minute" lasts 10 s here (time for four clients to join on a loaded machine), so the deadline passes within the test.

let app: TestNode;
let tenant: TestTenant;
const clients: PocdojoClient[] = [];

test.before(async () => {
  app = await startKataNode({ minuteMs: 10_000, endGraceMs: 60_000 });
  tenant = await createTenant(app, { members: 2, facilitators: 1 });
});

test.after.always(async () => {
  for (const client of clients) client.close();
  await app?.stop();
});

async function client(user: TestTenant['members'][number]): Promise<PocdojoClient> {
  const c = await sdkClient(app.url, tenant, user);
  clients.push(c);
  return c;
}

test('read-only breakout room: the Room reports it, edits wait instead of being refused, and go out once the time is extended', async (t) => {
  const [fac, ana, bea] = [tenant.facilitators[0]!, tenant.members[0]!, tenant.members[1]!];
  const dojoId = await liveDojo(app, tenant, fac, [ana, bea]);
  const [anaMain, beaMain] = await Promise.all([client(ana), client(bea)]);
  const [mainA] = await Promise.all([anaMain.join(dojoId), beaMain.join(dojoId)]);
  const assigned = new Promise<PushData<'kata.roomAssigned'>>((resolve) =>
    mainA.onPush('kata.roomAssigned', (data) => {
      if (data.userIds.includes(ana.userId) && data.roomId) resolve(data);
    }),
  );
  const started = await api(app, 'POST', '/v1/katas', fac.token, { dojo_id: dojoId, title: 'Clock', statement: 'tick', language: 'javascript', starter_code: '', duration_minutes: 1, room_size: 2 });
  t.is(started.status, 201, JSON.stringify(started.body));
  const kataId = started.body.id as string;
  t.is((await api(app, 'POST', `/v1/katas/${kataId}/rooms/auto`, fac.token, { size: 2 })).status, 201);
  const { roomId } = await assigned;

  // One client per room (pushes do not name their room): the breakout room on clients of their own.
  const [a, b] = await Promise.all([(await client(ana)).join(roomId!), (await client(bea)).join(roomId!)]);
  t.false(a.readOnly);
  t.true(a.canEdit);
  const errors: unknown[] = [];
  a.on('error', (error) => errors.push(error));

  await a.next('readOnly');
  t.true(a.readOnly);
  t.false(a.canEdit);
  t.true(a.code.readOnly);
  a.code.text.insert(0, 'typed late');
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.true(a.code.pending, 'the edit waits');
  t.is(b.code.text.toString(), '', 'nothing reached the room');
  t.deepEqual(errors, [], 'nothing was sent to be refused');

  // Extended: editable again, and the waiting edit reaches b.
  const reopened = a.next('readOnly');
  t.is((await api(app, 'PUT', `/v1/katas/${kataId}/extend`, fac.token, { minutes: 1 })).status, 200);
  t.deepEqual(await reopened, [false]);
  t.true(a.canEdit);
  await eventually(() => b.code.text.toString() === 'typed late', 'the edit in the other client');
  await eventually(() => !a.code.pending, 'the edit acknowledged');
  t.deepEqual(errors, []);
});
