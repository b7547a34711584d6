import test from 'ava';
import type { Browser, Page } from 'playwright-core';
import { liveDojo, startMediaNode } from '../../actors/dojo-room/testing';
import { findChromium, launchChromium } from '../support/browser/chromium';
import type { Received } from '../support/browser/dojoPage';
import { servePage } from '../support/browser/pageServer';
import { sdkCall } from '../support/browser/sdkCalls';
import { createTenant, type TestTenant, type TestUser } from '../support/accounts';
import type { TestNode } from '../support/node';
import { percentile } from './support';

// The SDK's media module in Debian's Chromium (fake camera and microphone): a web app written on
// the SDK (test/support/browser/page/sdkPage.ts, bundled with it by esbuild, served from an
// origin of its own) in two tabs against the whole app. Each publishes through the SDK and shows
// the other's video without a line of signaling of its own.
const chromiumPath = findChromium();
let app: TestNode;
let tenant: TestTenant;
let browser: Browser;
let site: Awaited<ReturnType<typeof servePage>>;

test.before(async () => {
  if (!chromiumPath) return;
  [app, site] = await Promise.all([startMediaNode(), servePage('sdkPage.ts')]);
  [tenant, browser] = await Promise.all([createTenant(app, { members: 1, facilitators: 1 }), launchChromium(chromiumPath)]);
});

test.after.always(async () => {
  await browser?.close();
  await site?.close();
  await app?.stop();
});

async function tab(): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(site.url);
  return page;
}

function join(page: Page, user: TestUser, dojoId: string): Promise<void> {
  return sdkCall(page, 'join', app.url, { userId: user.userId, accessToken: user.token, refreshToken: user.refreshToken }, dojoId);
}

/** Polls until `check` holds on what `page` returns; fails naming `what` after 20 s. */
async function until<T>(read: () => Promise<T>, check: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within 20 s (${JSON.stringify(value)})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The page shows `producerId`'s video: frames decoded, and more keep coming. */
async function showing(page: Page, producerId: string, what: string): Promise<Received> {
  await until(
    () => sdkCall(page, 'tiles'),
    (tiles) => tiles.some((t) => t.producerId === producerId),
    `${what}: a tile`,
  );
  const first = await until(
    () => sdkCall(page, 'received', producerId),
    (r) => r.videoWidth > 0 && r.framesDecoded > 0,
    `${what}: decoded frames`,
  );
  return until(
    () => sdkCall(page, 'received', producerId),
    (r) => r.framesDecoded > first.framesDecoded && r.bytesReceived > first.bytesReceived,
    `${what}: more frames`,
  );
}

const title = "two SDK apps in Chromium publish camera and microphone through the SDK and each decodes the other's video; a hidden tile receives nothing until shown";
if (!chromiumPath) {
  test.skip(`${title} (skipped: no Chromium at /usr/bin/chromium; apt-get install chromium)`, () => undefined);
} else {
  test(title, async (t) => {
    const [fac, ana] = [tenant.facilitators[0]!, tenant.members[0]!];
    const dojoId = await liveDojo(app, tenant, fac, [ana]);
    const [host, member] = await Promise.all([tab(), tab()]);
    await join(host, fac, dojoId);
    // The dojo records from its start; stopping it keeps the CPU for the browsers.
    await sdkCall(host, 'recording', false);
    await join(member, ana, dojoId);
    const [hostSent, memberSent] = await Promise.all([sdkCall(host, 'publish'), sdkCall(member, 'publish')]);

    const seenByMember = await showing(member, hostSent.video, 'the member sees the facilitator');
    const seenByHost = await showing(host, memberSent.video, 'the facilitator sees the member');
    t.log(`member sees ${seenByMember.videoWidth}x${seenByMember.videoHeight}, facilitator sees ${seenByHost.videoWidth}x${seenByHost.videoHeight}`);
    const tiles = await sdkCall(host, 'tiles');
    t.deepEqual(tiles.map((x) => `${x.userId}:${x.kind}`).sort(), [`${ana.userId}:audio`, `${ana.userId}:video`]);

    // Hidden: the consumer is paused on the server, so the bytes stop; shown, they flow again.
    await sdkCall(member, 'setVisible', hostSent.video, false);
    const paused = await until(
      async () => [await sdkCall(member, 'received', hostSent.video), await new Promise((r) => setTimeout(r, 700)), await sdkCall(member, 'received', hostSent.video)] as const,
      ([before, , after]) => after.bytesReceived === before.bytesReceived,
      'no bytes while hidden',
    );
    t.is(paused[2].bytesReceived, paused[0].bytesReceived);
    await sdkCall(member, 'setVisible', hostSent.video, true);
    await until(
      () => sdkCall(member, 'received', hostSent.video),
      (r) => r.bytesReceived > paused[2].bytesReceived && r.framesDecoded > paused[2].framesDecoded,
      'frames again once shown',
    );
    t.deepEqual(await sdkCall(member, 'errors'), []);

    // Join to first remote frame, through the SDK (figures, not asserted): the member leaves and
    // joins again in a fresh client while the facilitator keeps sending.
    const times: number[] = [];
    for (let run = 0; run < 10; run++) {
      await sdkCall(member, 'leave');
      await join(member, ana, dojoId);
      times.push(
        await until(
          () => sdkCall(member, 'firstFrameMs'),
          (ms) => ms !== null,
          'a first frame after joining again',
        ).then((ms) => ms!),
      );
    }
    t.log(`join -> first remote video frame (ms): ${times.join(', ')}; p50 ${percentile(times, 50)}`);
  });
}
