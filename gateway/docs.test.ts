import test from 'ava';
import type { Browser } from 'playwright-core';
import { findChromium, launchChromium } from '../test/support/browser/chromium';
import { startTestNode, type TestNode } from '../test/support/node';

// The API reference at /docs as people use it: its pages and assets served with a policy of
// their own, then rendered in Chromium from this server alone (every other host refused).

const chromiumPath = findChromium();
let app: TestNode;
let browser: Browser | undefined;

test.before(async () => {
  [app, browser] = await Promise.all([startTestNode({ services: ['gateway'] }), chromiumPath ? launchChromium(chromiumPath) : undefined]);
});

test.after.always(async () => {
  await browser?.close();
  await app?.stop();
});

test('/docs redirects to /docs/; the pages and assets come with their types and a strict CSP of their own; an unknown asset is a 404', async (t) => {
  const redirect = await fetch(`${app.url}/docs`, { redirect: 'manual' });
  t.is(redirect.status, 302);
  t.is(redirect.headers.get('location'), '/docs/');
  const expected: Array<[string, RegExp]> = [
    ['/docs/', /^text\/html/],
    ['/docs/ws', /^text\/html/],
    ['/docs/docs.js', /^text\/javascript/],
    ['/docs/docs.css', /^text\/css/],
    ['/docs/redoc.standalone.js', /^text\/javascript/],
  ];
  for (const [path, type] of expected) {
    const res = await fetch(`${app.url}${path}`);
    t.is(res.status, 200, path);
    t.regex(res.headers.get('content-type') ?? '', type, path);
    const csp = res.headers.get('content-security-policy') ?? '';
    t.regex(csp, /default-src 'none'/, path);
    t.regex(csp, /script-src 'self'(;|$)/, `${path}: own scripts only, no eval`);
    t.regex(csp, /connect-src 'self'(;|$)/, path);
    t.is(res.headers.get('x-content-type-options'), 'nosniff');
    await res.arrayBuffer();
  }
  const ws = await (await fetch(`${app.url}/docs/ws`)).text();
  t.regex(ws, /data-spec="\/v1\/asyncapi\.json"/);
  t.is((await fetch(`${app.url}/docs/nope.js`)).status, 404);
  // The API keeps its own policy.
  t.regex((await fetch(`${app.url}/health`)).headers.get('content-security-policy') ?? '', /^default-src 'none'/);
});

const title = 'in Chromium, /docs/ shows a REST operation and /docs/ws a WebSocket method, with nothing requested from other hosts and no CSP violation';
if (!chromiumPath) {
  test.skip(`${title} (skipped: no Chromium at /usr/bin/chromium; apt-get install chromium)`, () => undefined);
} else {
  test(title, async (t) => {
    const context = await browser!.newContext();
    const elsewhere: string[] = [];
    const violations: string[] = [];
    // Anything for another host fails: the page must not need it.
    await context.route(
      (url) => url.host !== new URL(app.url).host,
      (route) => {
        elsewhere.push(route.request().url());
        return route.abort();
      },
    );
    const page = await context.newPage();
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    await page.goto(`${app.url}/docs/`);
    await page.getByText('/v1/account/password/reset').first().waitFor({ timeout: 30_000 });
    await page.goto(`${app.url}/docs/ws`);
    // The WebSocket's operations sit under its one channel, folded in the menu.
    await page.getByText('Signaling', { exact: true }).first().click({ timeout: 30_000 });
    await page.getByText('media.restartIce').first().waitFor({ timeout: 30_000 });
    t.deepEqual(elsewhere, []);
    // Redoc's footer always tries Redocly's logo from its CDN (no option turns it off): the CSP
    // refuses it and Redoc drops the image. Nothing else may be refused.
    t.deepEqual(
      violations.filter((v) => !v.includes('https://cdn.redoc.ly/redoc/logo-mini')),
      [],
    );
    await context.close();
  });
}
