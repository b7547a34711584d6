import test from 'ava';
import { Device, FakeHandler, testFakeParameters, type types } from 'mediasoup-client';
import { liveDojo, startMediaNode } from '../../actors/dojo-room/testing';
import type { PocdojoClient, Room } from '../../clients/sdk/src/index';
import { MediasoupClient, type MediaTrack, type RemoteTrack } from '../../clients/sdk/src/mediaClient';
import { createTenant, type TestTenant, type TestUser } from '../support/accounts';
import type { TestNode } from '../support/node';
import { randomUUID } from 'node:crypto';
import type WebSocket from 'ws';
import { eventually, interceptingWebSocket, sdkClient } from './support';

// The SDK's media module in Node, against a real node with mediasoup workers: mediasoup-client
// runs on its FakeHandler (no WebRTC here), so everything is real but the RTP itself: device
// load from the router, transports, DTLS connect, produce and consume over the SDK's socket, the
// pushes, pause/resume, preferred layers, ICE restarts, leaving. The browser test
// (actors/dojo-room/sdk-media.e2e.test.ts) shows the frames.

let app: TestNode;
let tenant: TestTenant;
const clients: PocdojoClient[] = [];

test.before(async () => {
  app = await startMediaNode();
  tenant = await createTenant(app, { members: 3, facilitators: 1 });
});

test.after.always(async () => {
  for (const client of clients) client.close();
  await app?.stop();
});

/** A track as mediasoup-client's FakeHandler takes it (the DOM's MediaStreamTrack, as far as it is used). */
function fakeTrack(kind: 'audio' | 'video'): MediaTrack & { addEventListener(): void; removeEventListener(): void } {
  return { id: `${kind}-${Math.random()}`, kind, readyState: 'live', enabled: true, stop() {}, addEventListener() {}, removeEventListener() {} };
}

interface Member {
  client: PocdojoClient;
  room: Room;
  media: MediasoupClient;
  /** The FakeHandlers behind this client's transports, to play a network that fails. */
  handlers: FakeHandler[];
  remotes: Map<string, RemoteTrack>;
  closed: string[];
  network: () => void;
}

async function member(user: TestUser, dojoId: string, options: Parameters<typeof sdkClient>[3] = {}): Promise<Member> {
  const handlers: FakeHandler[] = [];
  const fake = FakeHandler.createFactory(testFakeParameters);
  const factory: types.HandlerFactory = { ...fake, factory: (options) => handlers[handlers.push(fake.factory(options) as FakeHandler) - 1]! };
  let network = () => {};
  const media = new MediasoupClient({
    createDevice: () => new Device({ handlerFactory: factory }),
    networkChanges: (changed) => {
      network = changed;
      return () => undefined;
    },
    disconnectedGraceMs: 50,
  });
  const remotes = new Map<string, RemoteTrack>();
  const closed: string[] = [];
  media.on('remote', (r) => remotes.set(r.producerId, r));
  media.on('remoteClosed', (r) => {
    remotes.delete(r.producerId);
    closed.push(r.producerId);
  });
  const client = await sdkClient(app.url, tenant, user, options);
  clients.push(client);
  const room = await client.join(dojoId, { media });
  return { client, room, media, handlers, remotes, closed, network: () => network() };
}

test('two members see each other: producers received from the join reply and from pushes, tiles paused and resumed, layers, unpublish, leave', async (t) => {
  const [fac, ana, bea] = [tenant.facilitators[0]!, tenant.members[0]!, tenant.members[1]!];
  const dojoId = await liveDojo(app, tenant, fac, [ana, bea]);
  const a = await member(ana, dojoId);
  const camera = await a.media.publishCamera(fakeTrack('video'));
  const mic = await a.media.publishMicrophone(fakeTrack('audio'));
  t.truthy(camera);
  t.truthy(mic);
  t.is(a.media.producerId('camera'), camera);

  // b joins after: a's producers come in the join reply and are received at once.
  const b = await member(bea, dojoId);
  await eventually(() => b.remotes.has(camera!) && b.remotes.has(mic!), "b receives a's camera and microphone");
  t.like(b.remotes.get(camera!), { userId: ana.userId, kind: 'video', paused: false });
  t.is(b.remotes.get(mic!)!.kind, 'audio');
  t.is(a.remotes.size, 0, 'a receives nothing of its own');

  // b publishes: a learns of it by push (media.newProducer).
  const bCamera = await b.media.publishCamera(fakeTrack('video'));
  await eventually(() => a.remotes.has(bCamera!), "a receives b's camera");
  t.is(a.remotes.get(bCamera!)!.userId, bea.userId);

  // A hidden tile: paused on the server (it would refuse a consumer not b's) and locally; shown again, resumed.
  await b.media.setVisible(camera!, false);
  t.true(b.media.remotes.find((r) => r.producerId === camera)!.paused);
  await b.media.setVisible(camera!, true);
  t.false(b.media.remotes.find((r) => r.producerId === camera)!.paused);
  await b.media.setPreferredLayers(camera!, 0);

  // The facilitator mutes a: a's media client follows (the microphone shows paused), and a unmutes itself.
  const host = await sdkClient(app.url, tenant, fac);
  clients.push(host);
  const hostRoom = await host.join(dojoId);
  const muted = a.room.next('muted');
  await hostRoom.mute(ana.userId);
  await muted;
  t.true(a.media.paused('microphone'));
  await a.media.setPaused('microphone', false);
  t.false(a.media.paused('microphone'));

  // a mutes its microphone, then stops its camera: b's tile goes away.
  await a.media.setPaused('microphone', true);
  t.true(a.media.paused('microphone'));
  await a.media.unpublish('camera');
  await eventually(() => !b.remotes.has(camera!), "b drops a's closed camera");
  t.deepEqual(b.closed, [camera]);
  t.true(b.remotes.has(mic!), 'the paused microphone is still received');

  // b leaves: its producers close for a; b's media is closed and receives nothing more.
  await b.room.leave();
  await eventually(() => !a.remotes.has(bCamera!), 'a drops the camera of b, who left');
  t.is(b.media.remotes.length, 0);
  await t.throwsAsync(b.media.setVisible(mic!, false), { message: /not in a room/ });
  t.is(b.room.state, 'left');
  await a.room.leave();
});

test('ICE restarts: on a network change and a resumed socket for every transport, on a failed one for that one; a rejoin sends the published camera again', async (t) => {
  const [fac, ana, bea] = [tenant.facilitators[0]!, tenant.members[2]!, tenant.members[0]!];
  const dojoId = await liveDojo(app, tenant, fac, [ana, bea]);
  let forget = false;
  const a = await member(ana, dojoId, {
    WebSocket: interceptingWebSocket((frame) => {
      if (forget && frame.method === 'session.resume') frame.data.sessionId = randomUUID();
    }),
  });
  const b = await member(bea, dojoId);
  const camera = await a.media.publishCamera(fakeTrack('video'));
  await eventually(() => b.remotes.has(camera!), "b receives a's camera");

  const restarts: Array<{ direction: string; reason: string }> = [];
  b.media.on('iceRestart', (r) => restarts.push(r));
  b.network();
  await eventually(() => restarts.length === 1, 'an ICE restart after the network change');
  t.deepEqual(restarts, [{ direction: 'recv', reason: 'network' }], 'b only receives: one transport');

  // The recv transport fails (as when its path died): ICE is restarted on it with new parameters from the server.
  const recv = b.handlers.at(-1)!;
  recv.setConnectionState('failed');
  await eventually(() => restarts.length === 2, 'an ICE restart after the failure');
  t.deepEqual(restarts[1], { direction: 'recv', reason: 'failed' });
  // Disconnected for longer than the grace (50 ms here): restarted too.
  recv.setConnectionState('disconnected');
  await eventually(() => restarts.length === 3, 'an ICE restart after a long disconnection');
  t.is(restarts[2]!.reason, 'disconnected');

  // a's socket drops and its session is resumed: its media is kept, and ICE restarted on its send transport.
  const aRestarts: string[] = [];
  a.media.on('iceRestart', (r) => aRestarts.push(`${r.direction}:${r.reason}`));
  const dropped = () => (a.client.connection.socket as unknown as WebSocket).terminate();
  dropped();
  await eventually(() => aRestarts.includes('send:resumed'), 'an ICE restart after the resume');
  t.is(a.media.producerId('camera'), camera);

  // Dropped again, and the server no longer has the session (as past its resume window): the Room
  // joins again on a new session, and the camera is sent again as a new producer, which b receives.
  forget = true;
  const before = a.media.producerId('camera');
  dropped();
  await eventually(() => a.media.producerId('camera') !== undefined && a.media.producerId('camera') !== before, 'the camera sent again');
  const after = a.media.producerId('camera')!;
  await eventually(() => b.remotes.has(after), "b receives a's camera again");
  t.not(after, before, 'the camera is a new producer on the new session');
  t.true(b.remotes.has(after), "b holds a's new camera");
});
