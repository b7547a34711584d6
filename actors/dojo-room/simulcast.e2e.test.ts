import test from 'ava';
import { resolveFfmpeg } from '../../infra/bin/ffmpeg';
import { eventually } from '../../media/testing/media';
import { SimulcastPublisher, THREE_LAYERS, VideoSubscriber, type RouterCapabilities } from '../../media/testing/weriftVideo';
import { createTenant, type TestTenant } from '../../test/support/accounts';
import type { TestNode } from '../../test/support/node';
import type { WsClient } from '../../test/support/ws-client';
import { joined, liveDojo, startMediaNode, wsSignal } from './testing';

// Simulcast end to end (issue 14): a werift publisher sends VP8 in three encodings (rids) of
// real, different sizes and bitrates, a werift subscriber with transport-wide congestion control
// receives it through the whole app (gateway, room, mediasoup worker), and the layer it gets is
// read both from the room's media.layersChanged pushes and from the keyframes that arrive.
let app: TestNode;
let tenant: TestTenant;
const open: Array<{ close(): unknown }> = [];

test.before(async () => {
  app = await startMediaNode();
  tenant = await createTenant(app, { members: 1, facilitators: 1 });
});

test.after.always(async () => {
  for (const o of open) await o.close();
  await app?.stop();
});

/** Every media.layersChanged push a socket gets, with when it came. */
function layerLog(client: WsClient): Array<{ at: number; consumerId: string; spatialLayer: number | null }> {
  const log: Array<{ at: number; consumerId: string; spatialLayer: number | null }> = [];
  client.socket.on('message', (raw) => {
    const frame = JSON.parse(raw.toString()) as { method?: string; data?: { consumerId: string; spatialLayer: number | null } };
    if (frame.method === 'media.layersChanged' && frame.data) log.push({ at: Date.now(), ...frame.data });
  });
  return log;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('a three-layer simulcast camera: the subscriber reaches the top layer, drops to the lowest on setPreferredLayers {spatialLayer: 0}, and a paused consumer receives no RTP', async (t) => {
  const [fac, camUser] = [tenant.facilitators[0]!, tenant.members[0]!];
  const dojoId = await liveDojo(app, tenant, fac, [camUser]);
  const viewer = await joined(app, fac, dojoId);
  open.push(viewer.client);
  // The dojo records from its start; stopping it keeps the worker's CPU for the clients.
  t.like(await viewer.client.request('recording.stop', {}), { ok: true });
  const camera = await joined(app, camUser, dojoId);
  open.push(camera.client);

  const ffmpeg = resolveFfmpeg(app.node.infra.config);
  const publisher = await SimulcastPublisher.publish(wsSignal(camera.client), ffmpeg, camera.reply.data.routerRtpCapabilities as RouterCapabilities);
  open.unshift(publisher);
  t.like(await viewer.client.nextPushOf('media.newProducer', (d) => d.producerId === publisher.producerId), { userId: camUser.userId, kind: 'video' });

  // A camera that has been on for a couple of seconds, as a subscriber usually finds it: every
  // layer flowing, and its first RTCP sender reports (what mediasoup aligns layers with) sent.
  await eventually(() => publisher.sent.every((n) => n >= 30), 20_000, 'every layer sending');
  const log = layerLog(viewer.client);
  const subscribing = Date.now();
  const subscriber = await VideoSubscriber.subscribe(wsSignal(viewer.client), publisher.producerId, viewer.reply.data.routerRtpCapabilities as RouterCapabilities);
  open.unshift(subscriber);
  const { consumerId } = subscriber;
  const layers = () => log.filter((l) => l.consumerId === consumerId);
  const history = () =>
    layers()
      .map((l) => l.spatialLayer)
      .join(' -> ');

  // Enough bandwidth (loopback): the consumer reaches the top layer within 5 s of subscribing
  // (the bound), and its keyframes are the top layer's picture.
  const top = THREE_LAYERS.length - 1;
  await eventually(() => layers().some((l) => l.spatialLayer === top), subscribing + 5_000 - Date.now(), 'the top layer within 5 s').catch(async (error: Error) => {
    throw new Error(`${error.message}; layers ${history()}; ffmpeg: ${(await publisher.ffmpegError()) ?? 'running'}`);
  });
  const reached = layers().find((l) => l.spatialLayer === top)!.at;
  const topSize = { width: THREE_LAYERS[top]!.width, height: THREE_LAYERS[top]!.height };
  await eventually(() => subscriber.lastKeyframe?.width === topSize.width, 10_000, 'a top-layer keyframe');
  t.deepEqual(subscriber.lastKeyframe, topSize, 'the picture is the top layer');
  t.log(`top spatial layer ${reached - subscribing} ms after subscribing; layers ${history()}`);

  // The subscriber asks for the lowest layer (a small tile): it gets it, and smaller pictures.
  const asked = Date.now();
  t.like(await viewer.client.request('media.setPreferredLayers', { consumerId, spatialLayer: 0 }), { ok: true });
  await eventually(() => layers().some((l) => l.at >= asked && l.spatialLayer === 0), 10_000, 'media.layersChanged to the lowest layer');
  const low = { width: THREE_LAYERS[0]!.width, height: THREE_LAYERS[0]!.height };
  await eventually(() => subscriber.lastKeyframe?.width === low.width, 10_000, 'a lowest-layer keyframe');
  t.deepEqual(subscriber.lastKeyframe, low, 'the picture is the lowest layer');

  // A hidden tile: nothing is forwarded while the consumer is paused, and media comes back after.
  t.like(await viewer.client.request('media.pauseConsumer', { consumerId }), { ok: true });
  await pause(300); // what was on the way lands
  const paused = subscriber.received;
  await pause(1500); // ~25 frames sent meanwhile
  t.is(subscriber.received, paused, 'no RTP while paused');
  t.like(await viewer.client.request('media.resumeConsumer', { consumerId }), { ok: true });
  await eventually(() => subscriber.received > paused + 20, 10_000, 'video again once resumed');
  t.is(await publisher.ffmpegError(), undefined, 'ffmpeg kept encoding');
});
