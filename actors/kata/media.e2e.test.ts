import { randomInt } from 'node:crypto';
import test from 'ava';
import { eventually } from '../../media/testing/media';
import { WeriftClient, type Signal } from '../../media/testing/werift';
import { createTenant, type TestTenant } from '../../test/support/accounts';
import { startTestNode, type TestNode } from '../../test/support/node';
import type { WsClient } from '../../test/support/ws-client';
import { api, joined, liveDojo } from '../dojo-room/testing';
import { assignmentOf } from './testing';

// Media in breakout rooms over the real app (mediasoup, werift clients): each breakout room has
// its own media; what is published in one is heard there only; a member away in a breakout room
// is not heard in the dojo's main room until the kata ends.
let app: TestNode;
let tenant: TestTenant;
const open: Array<{ close(): unknown }> = [];

test.before(async () => {
  // A window of WebRTC ports apart from the other media tests' (see dojo-room/media.e2e.test.ts).
  const minPort = 40000 + randomInt(0, 50) * 200;
  app = await startTestNode({
    services: ['gateway', 'tenant', 'dojo-room', 'media', 'kata'],
    env: { RTC_MIN_PORT: String(minPort), RTC_MAX_PORT: String(minPort + 199), MEDIASOUP_WORKERS: '1' },
  });
  tenant = await createTenant(app, { members: 4, facilitators: 1 });
});

test.after.always(async () => {
  await Promise.all(open.map(async (o) => o.close()));
  await app?.stop();
});

/** werift's signaling for one room of a session that is in several (a breakout room and its dojo). */
function roomSignal(client: WsClient, dojoId: string): Signal {
  return async (method, data) => {
    const reply = await client.request(method, { ...data, dojoId });
    if (!reply.ok) throw new Error(`${method} refused: ${JSON.stringify(reply.error)}`);
    return reply.data;
  };
}

test('a member publishes in a breakout room: heard in that room, not in another, and not in the main room while away', async (t) => {
  const fac = tenant.facilitators[0]!;
  const members = tenant.members;
  const dojoId = await liveDojo(app, tenant, fac, members);
  const host = await joined(app, fac, dojoId);
  const people = await Promise.all(members.map((m) => joined(app, m, dojoId)));
  open.push(host.client, ...people.map((p) => p.client));

  // Before the kata, the first member speaks in the main room and the facilitator hears it.
  const { client: mainVoice, producerId: mainProducer } = await WeriftClient.publish(roomSignal(people[0]!.client, dojoId));
  open.push(mainVoice);
  const { client: mainEar } = await WeriftClient.subscribe(roomSignal(host.client, dojoId), mainProducer);
  open.push(mainEar);
  await mainVoice.sendOpus(50);
  await eventually(() => mainEar.received > 0, 10_000, 'Opus in the main room');

  const started = await api(app, 'POST', '/v1/katas', fac.token, { dojo_id: dojoId, title: 'Pairs', statement: 'Talk.', language: 'javascript', duration_minutes: 30, room_size: 2 });
  t.is(started.status, 201, JSON.stringify(started.body));
  const kataId = started.body.id as string;
  const auto = await api(app, 'POST', `/v1/katas/${kataId}/rooms/auto`, fac.token, { size: 2 });
  t.is(auto.status, 201, JSON.stringify(auto.body));
  const seats = await Promise.all(
    people.map(async (p, i) => {
      const { roomId } = await assignmentOf(p.client, members[i]!.userId);
      const join = await p.client.request('room.join', { dojoId: roomId });
      if (!join.ok) throw new Error(JSON.stringify(join.error));
      return { ...p, roomId: roomId as string, join };
    }),
  );
  const speaker = seats[0]!;
  const mate = seats.find((s) => s !== speaker && s.roomId === speaker.roomId)!;
  const other = seats.find((s) => s.roomId !== speaker.roomId)!;
  t.like(mate.join.data.routerRtpCapabilities, { codecs: [{ mimeType: 'audio/opus' }] });

  // Away in a breakout room, the speaker is no longer heard in the main room (its producer there is paused).
  const heardBefore = mainEar.received;
  await mainVoice.sendOpus(50);
  t.like(await host.client.request('ping'), { ok: true });
  t.is(mainEar.received, heardBefore, 'nothing reaches the main room from a member away in a breakout room');

  // Published in the breakout room: its mate is told and hears it.
  const { client: voice, producerId } = await WeriftClient.publish(roomSignal(speaker.client, speaker.roomId));
  open.push(voice);
  const announced = await mate.client.nextPush((f) => f.method === 'media.newProducer' && f.room === speaker.roomId && f.data.producerId === producerId);
  t.is(announced.data.userId, members[0]!.userId);
  const { client: ear } = await WeriftClient.subscribe(roomSignal(mate.client, mate.roomId), producerId);
  open.push(ear);
  await voice.sendOpus(100);
  await eventually(() => ear.received > 0, 10_000, 'Opus in the breakout room');

  // Another room neither hears of it nor can consume it.
  t.false(other.client.pushes.some((f) => f.method === 'media.newProducer' && f.data.producerId === producerId));
  t.deepEqual(other.join.data.producers, []);
  const transport = await other.client.request('media.createTransport', { dojoId: other.roomId, direction: 'recv' });
  t.true(transport.ok, JSON.stringify(transport.error));
  const rtpCapabilities = { codecs: [{ kind: 'audio', mimeType: 'audio/opus', preferredPayloadType: 111, clockRate: 48000, channels: 2 }], headerExtensions: [] };
  const consumed = await other.client.request('media.consume', { dojoId: other.roomId, transportId: transport.data.id, producerId, rtpCapabilities });
  t.like(consumed, { ok: false, error: { code: 'NOT_FOUND' } });

  // The kata ends: back in the main room, the speaker is heard there again.
  t.is((await api(app, 'PUT', `/v1/katas/${kataId}/end`, fac.token)).status, 200);
  await speaker.client.nextPushOf('kata.ended', (d) => d.kataId === kataId);
  const heardAway = mainEar.received;
  await mainVoice.sendOpus(50);
  await eventually(() => mainEar.received > heardAway, 10_000, 'Opus in the main room again');
  t.pass();
});
