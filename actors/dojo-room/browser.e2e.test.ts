import test, { type ExecutionContext } from 'ava';
import type { Browser, Page } from 'playwright-core';
import { findChromium, launchChromium } from '../../test/support/browser/chromium';
import { call, type Received } from '../../test/support/browser/dojoPage';
import { servePage } from '../../test/support/browser/pageServer';
import { createTenant, type TestTenant, type TestUser } from '../../test/support/accounts';
import type { TestNode } from '../../test/support/node';
import { liveDojo, startMediaNode } from './testing';

// A web app on mediasoup-client in Debian's Chromium (headless, fake camera and microphone),
// served from an origin of its own, against the whole app: gateway, rooms, mediasoup workers.
// What a new user tried in issue 14: publishing simulcast, consuming it, and reloading the page.
const chromiumPath = findChromium();
const DEPARTURE_MS = 1500;
let app: TestNode;
let tenant: TestTenant;
let browser: Browser;
let site: Awaited<ReturnType<typeof servePage>>;

test.before(async () => {
  if (!chromiumPath) return;
  [app, site] = await Promise.all([startMediaNode({ DOJO_DEPARTURE_TIMEOUT_MS: String(DEPARTURE_MS) }), servePage()]);
  [tenant, browser] = await Promise.all([createTenant(app, { members: 1, facilitators: 1 }), launchChromium(chromiumPath)]);
});

test.after.always(async () => {
  await browser?.close();
  await site?.close();
  await app?.stop();
});

/** A user's browser tab (a context of its own: its own cookies and devices) on the web app, joined to the dojo. */
async function tab(user: TestUser, dojoId: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(site.url);
  await call(page, 'join', app.wsUrl, user.token, dojoId);
  return page;
}

/** Polls the page until `check` passes on what a consumer received. */
async function receiving(page: Page, consumerId: string, check: (r: Received) => boolean, what: string): Promise<Received> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const received = await call(page, 'received', consumerId);
    if (check(received)) return received;
    if (Date.now() > deadline) throw new Error(`${what}: not within 20 s (${JSON.stringify(received)})`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Polls the page's pushes of `method` until one matches. */
async function pushed(page: Page, method: string, match: (data: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const found = (await call(page, 'pushes', method)).find(match);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no ${method} push within 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Consumes the video, and waits until frames are decoded and bytes keep coming. */
async function watch(t: ExecutionContext, viewer: Page, producerId: string): Promise<Received> {
  const { consumerId, kind, scalabilityMode } = await call(viewer, 'consume', producerId);
  t.is(kind, 'video');
  t.regex(scalabilityMode ?? '', /^L3/, 'three spatial layers: the camera is simulcast');
  const first = await receiving(viewer, consumerId, (r) => r.videoWidth > 0 && r.framesDecoded > 0, 'decoded frames');
  return receiving(viewer, consumerId, (r) => r.bytesReceived > first.bytesReceived && r.framesDecoded > first.framesDecoded, 'more frames');
}

const title = 'a mediasoup-client page in Chromium publishes a simulcast camera and a microphone, another decodes it; after a reload the old producers close and the new ones play';
if (!chromiumPath) {
  test.skip(`${title} (skipped: no Chromium at /usr/bin/chromium; apt-get install chromium)`, () => undefined);
} else {
  test(title, async (t) => {
    const [fac, camUser] = [tenant.facilitators[0]!, tenant.members[0]!];
    const dojoId = await liveDojo(app, tenant, fac, [camUser]);
    const viewer = await tab(fac, dojoId);
    // The dojo records from its start; stopping it keeps the CPU for the browsers.
    await call(viewer, 'request', 'recording.stop', {});
    const camera = await tab(camUser, dojoId);
    const before = await call(camera, 'publish');
    await pushed(viewer, 'media.newProducer', (d) => d.producerId === before.video && d.kind === 'video');
    const seen = await watch(t, viewer, before.video);
    t.log(`first camera: ${seen.videoWidth}x${seen.videoHeight}, ${seen.framesDecoded} frames decoded`);

    // A reload: the page's socket goes without room.leave, and the new page joins and publishes
    // again on a new socket (a new session). Past the departure timeout the old session's media closes.
    await camera.reload();
    await call(camera, 'join', app.wsUrl, camUser.token, dojoId);
    const after = await call(camera, 'publish');
    t.notDeepEqual(after, before);
    for (const producerId of [before.video, before.audio]) {
      t.like(await pushed(viewer, 'media.producerClosed', (d) => d.producerId === producerId), { userId: camUser.userId });
    }
    t.false(
      (await call(viewer, 'pushes', 'media.producerClosed')).some((d) => d.producerId === after.video || d.producerId === after.audio),
      'the new producers live',
    );
    await pushed(viewer, 'media.newProducer', (d) => d.producerId === after.video);
    const again = await watch(t, viewer, after.video);
    t.log(`after the reload: ${again.videoWidth}x${again.videoHeight}, ${again.framesDecoded} frames decoded`);
  });
}
