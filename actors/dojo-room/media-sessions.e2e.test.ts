import test from 'ava';
import { eventually } from '../../media/testing/media';
import { WeriftClient } from '../../media/testing/werift';
import { createTenant, type TestTenant } from '../../test/support/accounts';
import type { TestNode } from '../../test/support/node';
import type { Frame, WsClient } from '../../test/support/ws-client';
import { joined, liveDojo, startMediaNode, wsSignal } from './testing';

// Media belongs to the WebSocket session that made it (issue 14), over the real app: gateway,
// rooms, mediasoup workers and werift clients. The tests run one after another because they
// read the node's media object counts from /metrics, which every room on the node adds to.
let app: TestNode;
let tenant: TestTenant;
const open: Array<{ close(): unknown }> = [];
const DEPARTURE_MS = 1500;

test.before(async () => {
  app = await startMediaNode({ DOJO_DEPARTURE_TIMEOUT_MS: String(DEPARTURE_MS) });
  tenant = await createTenant(app, { members: 3, facilitators: 1 });
});

test.after.always(async () => {
  // Microphones first (they are at the front), then the connections and sockets.
  for (const o of open) await o.close();
  await app?.stop();
});

/** A member's socket in the dojo, closed after the tests. */
async function member(user: TestTenant['members'][number], dojoId: string): Promise<Awaited<ReturnType<typeof joined>>> {
  const session = await joined(app, user, dojoId);
  open.push(session.client);
  return session;
}

async function publish(client: WsClient): Promise<{ client: WeriftClient; producerId: string }> {
  const published = await WeriftClient.publish(wsSignal(client));
  open.push(published.client);
  return published;
}

async function subscribe(client: WsClient, producerId: string): Promise<{ client: WeriftClient; consumerId: string }> {
  const subscribed = await WeriftClient.subscribe(wsSignal(client), producerId);
  open.push(subscribed.client);
  return subscribed;
}

/** Sends Opus until stopped (at the latest after the tests), like an open microphone. */
function talk(client: WeriftClient): { stop(): Promise<void> } {
  let talking = true;
  const done = (async () => {
    while (talking) await client.sendOpus(10);
  })();
  const mic = {
    async stop() {
      talking = false;
      await done;
    },
  };
  open.unshift({ close: () => mic.stop() });
  return mic;
}

/** Resolves once `client` got at least `more` packets beyond what it had. */
async function receivesMore(client: WeriftClient, more: number, what: string): Promise<void> {
  const from = client.received;
  await eventually(() => client.received >= from + more, 10_000, what);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Live WebRTC transports, producers and consumers on the node, as /metrics reports them. */
async function mediaCounts(): Promise<{ transports: number; producers: number; consumers: number }> {
  const text = await (await fetch(`${app.opsUrl}/metrics`)).text();
  const sum = (name: string, labels = '') =>
    text
      .split('\n')
      .filter((line) => line.startsWith(`${name}{`) && line.includes(labels))
      .reduce((n, line) => n + Number(line.split(' ').at(-1)), 0);
  return { transports: sum('pocdojo_media_transports', 'type="webrtc"'), producers: sum('pocdojo_media_producers'), consumers: sum('pocdojo_media_consumers') };
}

const pushed = (method: string, producerId: string) => (f: Frame) => f.method === method && f.data?.producerId === producerId;

test.serial('a client whose socket drops five times in a row publishes and consumes again each time; its old sessions take their media with them', async (t) => {
  const [fac, phone] = [tenant.facilitators[0]!, tenant.members[0]!];
  const dojoId = await liveDojo(app, tenant, fac, [phone]);
  const host = await member(fac, dojoId);
  // The dojo records from its start; without the recording's consumers the counts are the clients' own.
  t.like(await host.client.request('recording.stop', {}), { ok: true });
  const baseline = await mediaCounts();
  const hostMic = await publish(host.client);
  const mic = talk(hostMic.client);

  let session = await member(phone, dojoId);
  let sent = await publish(session.client);
  let heard = await subscribe(session.client, hostMic.producerId);
  await receivesMore(heard.client, 5, 'the first session hearing the host');
  const stale: string[] = [];
  for (let round = 1; round <= 5; round++) {
    stale.push(sent.producerId);
    // The network changed: the socket is gone without room.leave, and the app opens a new one
    // (a new session). The old peer connections are left as they are, as a phone leaves them.
    session.client.socket.terminate();
    session = await member(phone, dojoId);
    t.is(session.reply.ok, true);
    sent = await publish(session.client);
    t.like(await host.client.nextPush(pushed('media.newProducer', sent.producerId)), { data: { userId: phone.userId, kind: 'audio' } }, `round ${round}: publishing`);
    heard = await subscribe(session.client, hostMic.producerId);
    await receivesMore(heard.client, 5, `round ${round}: hearing the host`);
  }

  // Past the departure timeout the room lets each old session go, and with it its media.
  for (const producerId of stale) {
    t.like(await host.client.nextPush(pushed('media.producerClosed', producerId), 15_000), { data: { producerId, userId: phone.userId } });
  }
  // What live sessions hold: the host's send transport and producer; the phone's send and recv
  // transports, its producer and its consumer of the host.
  const expected = { transports: baseline.transports + 3, producers: baseline.producers + 2, consumers: baseline.consumers + 1 };
  await eventually(async () => JSON.stringify(await mediaCounts()) === JSON.stringify(expected), 10_000, 'the counts of the live sessions');
  t.deepEqual(await mediaCounts(), expected);
  t.false(host.client.pushes.some(pushed('media.producerClosed', sent.producerId)), 'the live session keeps its producer');
  await receivesMore(heard.client, 5, 'the live session still hearing the host');
  const hearsPhone = await subscribe(host.client, sent.producerId);
  await sent.client.sendOpus(25);
  t.true(hearsPhone.client.received > 0, 'and others still hear it');

  await mic.stop();
  await Promise.all([host.client.request('room.leave'), session.client.request('room.leave')]);
  await eventually(async () => JSON.stringify(await mediaCounts()) === JSON.stringify(baseline), 10_000, 'everything closed after leaving');
  t.deepEqual(await mediaCounts(), baseline);
});

test.serial('the same user on two sockets: leaving on one leaves the other media untouched; media.closeTransport closes what it carries', async (t) => {
  const [fac, user] = [tenant.facilitators[0]!, tenant.members[1]!];
  const dojoId = await liveDojo(app, tenant, fac, [user]);
  const host = await member(fac, dojoId);
  t.like(await host.client.request('recording.stop', {}), { ok: true });
  const hostMic = await publish(host.client);
  const mic = talk(hostMic.client);
  const [laptop, phone] = [await member(user, dojoId), await member(user, dojoId)];
  const fromLaptop = await publish(laptop.client);
  const fromPhone = await publish(phone.client);
  const phoneHears = await subscribe(phone.client, hostMic.producerId);
  const hostHearsPhone = await subscribe(host.client, fromPhone.producerId);
  const refused = await laptop.client.request('media.closeProducer', { producerId: fromPhone.producerId });
  t.like(refused, { ok: false, error: { code: 'NOT_FOUND' } }, "another session's producer, though the same user's");

  t.like(await laptop.client.request('room.leave'), { ok: true });
  t.like(await host.client.nextPush(pushed('media.producerClosed', fromLaptop.producerId)), { data: { userId: user.userId } });
  await receivesMore(phoneHears.client, 5, 'the phone still hearing the host');
  const hostHearing = receivesMore(hostHearsPhone.client, 5, 'the host still hearing the phone');
  await fromPhone.client.sendOpus(25);
  await hostHearing;
  t.false(host.client.pushes.some(pushed('media.producerClosed', fromPhone.producerId)));

  // Closing the phone's send transport closes its producer, and the host's consumer of it.
  t.like(await phone.client.request('media.closeTransport', { transportId: fromPhone.client.transportId }), { ok: true, data: {} });
  t.like(await host.client.nextPush(pushed('media.producerClosed', fromPhone.producerId)), { data: { userId: user.userId } });
  t.like(await host.client.nextPush(pushed('media.consumerClosed', fromPhone.producerId)), { data: { consumerId: hostHearsPhone.consumerId } });
  t.like(await phone.client.request('media.closeTransport', { transportId: fromPhone.client.transportId }), { ok: false, error: { code: 'NOT_FOUND' } });

  await mic.stop();
  await Promise.all([host.client.request('room.leave'), phone.client.request('room.leave')]);
});

test.serial('room.join names the active speaker; media.restartIce mid-call keeps media flowing on the new ICE credentials; a paused consumer receives nothing', async (t) => {
  const [fac, speakerUser, listenerUser, lateUser] = [tenant.facilitators[0]!, tenant.members[0]!, tenant.members[1]!, tenant.members[2]!];
  const dojoId = await liveDojo(app, tenant, fac, [speakerUser, listenerUser, lateUser]);
  const host = await member(fac, dojoId);
  t.like(await host.client.request('recording.stop', {}), { ok: true });
  t.is(host.reply.data.activeSpeaker, null, 'nobody spoke yet');
  const speaker = await member(speakerUser, dojoId);
  const sent = await publish(speaker.client);
  const listener = await member(listenerUser, dojoId);
  const heard = await subscribe(listener.client, sent.producerId);
  const mic = talk(sent.client);
  t.like(await host.client.nextPush((f) => f.method === 'media.activeSpeaker', 15_000), { data: { userId: speakerUser.userId, producerId: sent.producerId } });
  const late = await member(lateUser, dojoId);
  t.deepEqual(late.reply.data.activeSpeaker, { userId: speakerUser.userId, producerId: sent.producerId }, 'a late joiner learns who speaks');

  // Wi-Fi to LTE on both ends: each asks for new ICE parameters and restarts ICE with them.
  for (const [who, client] of [
    ['the listener', heard.client],
    ['the speaker', sent.client],
  ] as const) {
    const before = client.remoteIceUsername;
    const iceParameters = await client.restartIce();
    t.not(iceParameters.usernameFragment, before, `${who} got new ICE credentials`);
    t.is(client.remoteIceUsername, iceParameters.usernameFragment, `${who} checks with them`);
    await receivesMore(heard.client, 25, `media after ${who} restarted ICE`);
  }

  t.like(await listener.client.request('media.pauseConsumer', { consumerId: heard.consumerId }), { ok: true, data: {} });
  await pause(200); // what was on the way lands
  const paused = heard.client.received;
  await pause(1000); // 50 packets sent meanwhile
  t.is(heard.client.received, paused, 'nothing arrives while paused');
  t.like(await listener.client.request('media.resumeConsumer', { consumerId: heard.consumerId }), { ok: true });
  await receivesMore(heard.client, 5, 'media again once resumed');
  t.like(await listener.client.request('media.pauseConsumer', { consumerId: 'nope' }), { ok: false, error: { code: 'NOT_FOUND' } });
  t.like(await listener.client.request('media.restartIce', { transportId: 'nope' }), { ok: false, error: { code: 'NOT_FOUND' } });
  t.like(await listener.client.request('media.restartIce', {}), { ok: false, error: { code: 'VALIDATION_ERROR' } });

  await mic.stop();
  await Promise.all([host, speaker, listener, late].map((s) => s.client.request('room.leave')));
});
