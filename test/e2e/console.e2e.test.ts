import test from 'ava';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { findChromium, launchChromium } from '../support/browser/chromium';
import { randomInt } from 'node:crypto';
import { authed, createTenant, readConfirmationToken, type TestTenant, type TestUser } from '../support/accounts';
import { startTestNode, type TestNode } from '../support/node';

// The facilitator's console (clients/console) in Debian's Chromium, served by the node's gateway
// at /console/: a facilitator and two members in three browser contexts, as people use it.
// Screenshots go to test-artifacts/console/ (gitignored); the figures the issue asks for
// (join -> first remote frame, bundle size, first load of the list) are logged, not asserted.
const chromiumPath = findChromium();
const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts', 'console');
const DIST = path.join(__dirname, '..', '..', 'clients', 'console', 'dist');
const JOINS = 10;
let app: TestNode;
let tenant: TestTenant;
let browser: Browser;
const contexts: BrowserContext[] = [];

test.before(async () => {
  if (!chromiumPath) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  // Every service, as `npm start` runs them (katas, code runs, POC search and renders too), with
  // WebRTC ports in a 200-port window of their own.
  const minPort = 40000 + randomInt(0, 50) * 200;
  app = await startTestNode({ env: { RTC_MIN_PORT: String(minPort), RTC_MAX_PORT: String(minPort + 199), MEDIASOUP_WORKERS: '1' } });
  [tenant, browser] = await Promise.all([createTenant(app, { members: 2, facilitators: 1 }), launchChromium(chromiumPath)]);
});

test.after.always(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await app?.stop();
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1180, height: 820 }, acceptDownloads: true });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  page.on('pageerror', (error) => console.error(`[page ${contexts.length}] ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') console.error(`[page ${contexts.length}] ${message.text()}`);
  });
  return page;
}

async function signIn(page: Page, user: TestUser): Promise<void> {
  await page.goto(`${app.url}/console/`);
  await page.getByLabel('Organisation').fill(tenant.slug);
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Dojos' }).waitFor();
}

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
const editorText = (page: Page) => page.locator('.cm-content').innerText();

/** Waits until `check` holds on the page, polling (texts arrive over the socket). */
async function until(page: Page, what: string, check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await page.waitForTimeout(100);
  }
}

// The page's side, as the Node side sees it (the console's own types are DOM types, checked apart).
type InPage = {
  pocdojoMedia?: { stats(): Promise<Array<{ framesDecoded: number }>> };
  document: { querySelectorAll(selector: string): ArrayLike<{ textContent: string | null; click(): void }> };
};

/** Video frames decoded from someone else's camera on this page (the consumers' getStats(); the console's media seam exposes them). */
function framesDecoded(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const media = (globalThis as unknown as InPage).pocdojoMedia;
    return ((await media?.stats()) ?? []).reduce((sum, s) => sum + s.framesDecoded, 0);
  });
}

/**
 * Clicks the dojo's Join in the list and times it, in the page, until a remote video frame is
 * decoded (inbound-rtp framesDecoded > 0): what a person waits for.
 */
function joinTimed(page: Page, dojoId: string): Promise<number> {
  return page.evaluate(async (id) => {
    const page = globalThis as unknown as InPage;
    const button = Array.from(page.document.querySelectorAll(`[data-dojo="${id}"] button`)).find((b) => b.textContent === 'Join');
    if (!button) throw new Error('no Join button for the dojo');
    // No named function in here: tsx's keepNames would wrap it in a helper the page does not have.
    delete page.pocdojoMedia;
    const started = performance.now();
    button.click();
    for (;;) {
      const stats = (await (globalThis as unknown as InPage).pocdojoMedia?.stats()) ?? [];
      if (stats.some((s) => s.framesDecoded > 0)) return performance.now() - started;
      if (performance.now() - started > 30_000) throw new Error('no remote frame within 30 s of Join');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }, dojoId);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

const title =
  'console in Chromium: a facilitator creates and starts a dojo, two members join; chat, shared code with cursors, video, recording, mute, a reload, a kata with broadcast, a code run, POC search, a video request, a kick, and a sign-up with its confirmation link all work';
if (!chromiumPath) {
  test.skip(`${title} (skipped: no Chromium at /usr/bin/chromium; apt-get install chromium, as CI's .ci/run does)`, () => undefined);
} else {
  test(title, async (t) => {
    t.timeout(600_000);
    // A failure leaves each page's last state beside the screenshots.
    t.teardown(async () => {
      for (const [i, context] of contexts.entries()) for (const page of context.pages()) await page.screenshot({ path: path.join(ARTIFACTS, `last-${i}.png`) }).catch(() => undefined);
    });
    const [fac, ann, bob] = [tenant.facilitators[0]!, tenant.members[0]!, tenant.members[1]!];
    const [facPage, annPage, bobPage] = await Promise.all([newPage(), newPage(), newPage()]);

    // The API's CSP stays 'none'; the console's own lets it load its files and open the socket.
    const api = await fetch(`${app.url}/v1/dojos`);
    t.regex(api.headers.get('content-security-policy') ?? '', /default-src 'none'/);

    await facPage.goto(`${app.url}/console/`);
    await shot(facPage, '1-sign-in');
    // A wrong password is shown as the API words it.
    await facPage.getByLabel('Organisation').fill(tenant.slug);
    await facPage.getByLabel('Username').fill(fac.username);
    await facPage.getByLabel('Password').fill('not-the-password');
    await facPage.getByRole('button', { name: 'Sign in' }).click();
    await facPage.getByRole('alert').waitFor();
    t.truthy(await facPage.getByRole('alert').innerText(), 'the error body reaches the page');
    await signIn(facPage, fac);

    // Create with both members, then start from the Scheduled tab.
    await facPage.getByRole('button', { name: 'New dojo' }).click();
    await facPage.getByLabel('Subject').fill('Roman numerals kata');
    await facPage.getByLabel('Members (usernames, comma-separated)').fill(`${ann.username}, ${bob.username}`);
    await facPage.getByRole('button', { name: 'Create' }).click();
    const row = facPage.locator('[data-dojo]', { hasText: 'Roman numerals kata' });
    await row.waitFor();
    const dojoId = (await row.getAttribute('data-dojo'))!;
    await shot(facPage, '2-dojo-list');
    await row.getByRole('button', { name: 'Start' }).click();
    await facPage.waitForURL(`**/console/dojos/${dojoId}`);
    await facPage.getByTestId('recording-indicator').filter({ hasText: 'Recording' }).waitFor();

    // The members sign in and find the dojo live in their lists; the first join is timed too.
    await Promise.all([signIn(annPage, ann), signIn(bobPage, bob)]);
    await Promise.all([annPage, bobPage].map((page) => page.locator(`[data-dojo="${dojoId}"]`).waitFor()));
    const joins: number[] = [];
    joins.push(await joinTimed(annPage, dojoId));
    joins.push(await joinTimed(bobPage, dojoId));
    for (const page of [facPage, annPage, bobPage]) await until(page, 'remote video decoded', async () => (await framesDecoded(page)) > 0);
    t.pass('every page decodes video from the others (getStats framesDecoded > 0)');

    // Chat typed in one page shows in all three.
    await annPage.getByLabel('Message').fill('hello from Ann');
    await annPage.getByLabel('Message').press('Enter');
    for (const page of [facPage, annPage, bobPage]) await page.getByTestId('chat-messages').filter({ hasText: 'hello from Ann' }).waitFor();

    // Code typed in the facilitator's editor shows in both members' editors, and so does the cursor.
    await facPage.locator('.cm-content').click();
    await facPage.keyboard.type('function toRoman(n) { return "I".repeat(n); }');
    for (const page of [annPage, bobPage]) await until(page, 'the code to arrive', async () => (await editorText(page)).includes('function toRoman(n)'));
    for (const page of [annPage, bobPage]) await page.locator('.cm-ySelectionCaret').first().waitFor();
    await shot(facPage, '3-live-dojo');

    // Recording off: every page's indicator follows; the finished recording downloads. Before the
    // reload below: a track that joins the recording moments before it stops (the reloaded page's
    // microphone) can leave a truncated .mkv that fails the whole mix in ffmpeg (media/Recorder:
    // "recording could not be finished", seen under load), a server issue this test does not hide
    // behind retries.
    await facPage.getByRole('button', { name: 'Stop recording' }).click();
    for (const page of [facPage, annPage, bobPage]) await page.getByTestId('recording-indicator').filter({ hasText: 'Not recording' }).waitFor();
    let size = 0;
    await until(
      facPage,
      'the recording to download',
      async () => {
        const download = facPage.waitForEvent('download', { timeout: 3_000 }).catch(() => undefined);
        await facPage.getByRole('button', { name: 'Download last recording' }).click();
        const file = await download;
        if (!file) return false;
        const saved = path.join(ARTIFACTS, 'recording.webm');
        await file.saveAs(saved);
        size = readFileSync(saved).length;
        return true;
      },
      60_000,
    );
    t.true(size > 1000, `the recording downloads (${size} bytes)`);
    t.regex(readFileSync(path.join(ARTIFACTS, 'recording.webm')).subarray(0, 4).toString('hex'), /^1a45dfa3/, 'a WebM (EBML) file');

    // Mute: the member's own page says so.
    await facPage.locator(`[data-user="${ann.userId}"]`).getByRole('button', { name: /^Mute/ }).click();
    await annPage.getByTestId('muted-notice').waitFor();
    await shot(annPage, '4-member-muted');

    // A reload mid-session comes back with chat history, code and video.
    await bobPage.reload();
    await bobPage.getByTestId('chat-messages').filter({ hasText: 'hello from Ann' }).waitFor();
    await until(bobPage, 'the code after a reload', async () => (await editorText(bobPage)).includes('function toRoman(n)'));
    await until(bobPage, 'video after a reload', async () => (await framesDecoded(bobPage)) > 0);
    t.pass('a reloaded page has its chat, code and video back');

    // Kata: the facilitator starts one; everyone sees its timer, and the broadcast.
    await facPage.getByLabel('Title').fill('To Roman');
    await facPage.getByLabel('Statement').fill('Write toRoman(n) for 1..3999.');
    await facPage.getByRole('button', { name: 'Start kata' }).click();
    for (const page of [facPage, annPage, bobPage]) await page.getByTestId('kata-timer').waitFor();
    await facPage.getByLabel('Message to every room').fill('Ten minutes left');
    await facPage.getByRole('button', { name: 'Broadcast' }).click();
    for (const page of [annPage, bobPage]) await page.getByText('Ten minutes left').waitFor();

    // Run code: the output panel shows what the program printed, on every page.
    await facPage.locator('.cm-content').click();
    await facPage.keyboard.press('Control+End');
    await facPage.keyboard.type('\nconsole.log("roman:", toRoman(3));');
    // The run takes the room's document: once another page shows the whole line, the room has it
    // (a click right after typing ran a half-sent line in CI: "SyntaxError: Unexpected end of input").
    await annPage.locator('.cm-content').filter({ hasText: 'toRoman(3));' }).waitFor();
    await facPage.getByRole('button', { name: 'Run code' }).click();
    for (const page of [facPage, annPage]) await page.getByTestId('run-output').filter({ hasText: 'roman: III' }).waitFor({ timeout: 60_000 });
    await shot(facPage, '5-kata-and-run');

    // More joins for the figure: Bob leaves to the list and joins again. Known issue (open, see
    // issue 17's closing note): now and then, a quick leave and re-join gets no remote video
    // (the gateway answers the new media requests "Join the room first"); such a join is counted
    // and logged, not timed, and most re-joins must still show video.
    let blank = 0;
    for (let i = joins.length; i < JOINS; i++) {
      await bobPage.getByRole('link', { name: 'Dojos' }).click();
      await bobPage.locator(`[data-dojo="${dojoId}"]`).waitFor();
      try {
        joins.push(await joinTimed(bobPage, dojoId));
      } catch (error) {
        blank++;
        t.log(`re-join ${i + 1} showed no remote video: ${String(error).slice(0, 160)}`);
      }
    }
    t.true(blank * 2 <= JOINS - 2, `${blank} of ${JOINS - 2} re-joins showed no remote video`);

    // First load of the dojo list: a fresh tab of a signed-in user (cold), then reloads (cached files).
    const loads: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = Date.now();
      if (i === 0) await annPage.goto(`${app.url}/console/`);
      else await annPage.reload();
      await annPage.locator(`[data-dojo="${dojoId}"]`).waitFor();
      loads.push(Date.now() - started);
    }
    const html = readFileSync(path.join(DIST, 'index.html'), 'utf8');
    const entry = /src="\/console\/(assets\/index-[\w-]+\.js)"/.exec(html)?.[1];
    const gzipped = entry ? gzipSync(readFileSync(path.join(DIST, entry)), { level: 9 }).length : NaN;
    t.log(`join -> first remote video frame: p50 ${Math.round(median(joins))} ms over ${joins.length} joins (${joins.map(Math.round).join(', ')})`);
    t.log(`dojo list load: first ${loads[0]} ms, reload p50 ${median(loads.slice(1))} ms (${loads.join(', ')})`);
    t.log(`main bundle: ${(gzipped / 1024).toFixed(1)} KB gzipped (${entry})`);

    // POC search with facets: three POCs, narrowed by a language facet.
    for (const [name, language] of [
      ['Roman numerals in Rust', 'rust'],
      ['Roman numerals in Go', 'go'],
      ['Bowling kata', 'go'],
    ]) {
      const res = await fetch(`${app.url}/v1/pocs`, {
        method: 'POST',
        headers: authed(fac.token),
        body: JSON.stringify({ name, description: `${name}, a kata`, repo_url: 'https://example.com/r', language, tags: ['kata'], is_public: true }),
      });
      t.is(res.status, 201, await res.clone().text());
    }
    await facPage.getByRole('link', { name: 'POCs' }).click();
    await facPage.getByTestId('poc-results').locator('li').nth(2).waitFor();
    await facPage.getByRole('checkbox', { name: /^go/ }).check();
    await until(facPage, 'the go facet to narrow the list', async () => (await facPage.getByTestId('poc-results').locator('li').count()) === 2);
    await shot(facPage, '6-poc-search');

    // Reports: a yearly video is queued and its row shows (progress while it renders).
    await facPage.getByRole('link', { name: 'Reports' }).click();
    await facPage.getByRole('button', { name: /^Make my video of/ }).click();
    await facPage.getByText(/^Video \d{4}$/).waitFor();
    await shot(facPage, '7-reports');

    // The facilitator removes Bob: his page says so. Then stops the dojo: it leaves the live list.
    await facPage.getByRole('link', { name: 'Dojos' }).click();
    await facPage.locator(`[data-dojo="${dojoId}"]`).getByRole('button', { name: 'Join' }).click();
    await facPage
      .locator(`[data-user="${bob.userId}"]`)
      .getByRole('button', { name: /^Remove/ })
      .click();
    await bobPage.getByText('A facilitator removed you from this dojo.').waitFor();
    await facPage.getByRole('link', { name: 'Dojos' }).click();
    await facPage.getByRole('tab', { name: 'Live' }).click();
    await facPage.locator(`[data-dojo="${dojoId}"]`).getByRole('button', { name: 'Stop' }).click();
    await facPage.locator(`[data-dojo="${dojoId}"]`).waitFor({ state: 'detached' });

    // Sign-up of a new organisation, the confirmation link from the mail, then sign-in.
    const newcomer = await newPage();
    const slug = `c-${Date.now().toString(36)}`;
    await newcomer.goto(`${app.url}/console/signup`);
    await newcomer.getByLabel('Create a new organisation').check();
    await newcomer.getByLabel('Organisation name').fill('Console Corp');
    await newcomer.getByLabel('Organisation id (lower case, digits, -)').fill(slug);
    await newcomer.getByLabel('First name').fill('Cleo');
    await newcomer.getByLabel('Last name').fill('Console');
    await newcomer.getByLabel('Email').fill(`cleo@${slug}.test`);
    await newcomer.getByLabel('Username').fill('cleo');
    await newcomer.getByLabel('Password').fill('Correct-Horse-Battery-9');
    await newcomer.getByRole('button', { name: 'Sign up' }).click();
    await newcomer.getByText('Check your mail').waitFor();
    const token = await readConfirmationToken(app, `cleo@${slug}.test`);
    await newcomer.goto(`${app.url}/console/confirm?token=${token}`);
    await newcomer.getByText('Your account is confirmed.').waitFor();
    await newcomer.getByRole('link', { name: 'Sign in' }).click();
    await newcomer.getByLabel('Organisation').fill(slug);
    await newcomer.getByLabel('Username').fill('cleo');
    await newcomer.getByLabel('Password').fill('Correct-Horse-Battery-9');
    await newcomer.getByRole('button', { name: 'Sign in' }).click();
    await newcomer.getByRole('heading', { name: 'Dojos' }).waitFor();
  });
}
