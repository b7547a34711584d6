import { QueryTypes } from 'sequelize';
import test from 'ava';
import { authed, createTenant, type TestTenant } from '../../test/support/accounts';
import { startTestNode, type TestNode } from '../../test/support/node';
import { createRenderJobs } from './domain';
import { getJson, waitForJob } from './testing';

let app: TestNode;
let acme: TestTenant;
const YEAR = new Date().getUTCFullYear() - 1;

test.before(async () => {
  // An ffmpeg that always fails, three attempts with short backoff: the failure path end to end.
  app = await startTestNode({
    services: ['gateway', 'tenant', 'render'],
    env: { FFMPEG_BIN: '/bin/false', RENDER_MAX_ATTEMPTS: '3', RENDER_RETRY_BASE_MS: '50', VIDEO_SLIDE_SECONDS: '1' },
  });
  acme = await createTenant(app, { members: 1 });
});

test.after.always(async () => {
  await app?.stop();
});

test('a job that keeps failing ends FAILED with its message after the retries, dead-lettered, and its owner is told', async (t) => {
  const owner = acme.members[0]!;
  const res = await fetch(`${app.url}/v1/videos/generate`, { method: 'POST', headers: authed(owner.token), body: JSON.stringify({ year: YEAR }) });
  const { id } = (await res.json()) as { id: string };
  const view = await waitForJob(`${app.url}/v1/videos/${id}`, owner.token);
  t.like(view, { status: 'FAILED', error: 'Video encoding failed: ffmpeg exited with code 1' });
  const db = app.node.infra.database!;
  const [row] = await db.withTenant(acme.tenantId, () => db.sequelize.query<{ attempts: number }>('SELECT attempts FROM content_requests WHERE id = $1', { bind: [id], type: QueryTypes.SELECT }));
  t.is(row?.attempts, 3);
  const dead = await app.node.infra.queue.deadLetters(createRenderJobs(app.node.infra).kit.queue.subject);
  t.like(
    dead.find((d) => (d.payload as { id: string }).id === id),
    { attempts: 3, error: 'Video encoding failed: ffmpeg exited with code 1' },
  );
  t.is((await getJson(`${app.url}/v1/videos/${id}/download`, owner.token)).status, 409);
  // The notification reaches the tenant actor's store.
  let notes: Array<{ type: string; data: { videoId?: string } }> = [];
  for (let i = 0; i < 50 && !notes.some((n) => n.data.videoId === id); i++) {
    notes = ((await getJson(`${app.url}/v1/user/notification`, owner.token)).body.notifications ?? []) as typeof notes;
    await new Promise((r) => setTimeout(r, 100));
  }
  t.true(notes.some((n) => n.type === 'video.failed' && n.data.videoId === id));
  // Asking again queues the failed video once more.
  const again = await fetch(`${app.url}/v1/videos/generate`, { method: 'POST', headers: authed(owner.token), body: JSON.stringify({ year: YEAR }) });
  t.like(await again.json(), { id, status: 'PENDING' });
  t.is((await waitForJob(`${app.url}/v1/videos/${id}`, owner.token)).status, 'FAILED');
});

test('the recovery sweep publishes jobs that never reached the queue and hands out those a dead worker held', async (t) => {
  const jobs = createRenderJobs(app.node.infra);
  // Rows written without a publish (a crash between the insert and the publish).
  const lost = await jobs.reports.create({ tenantId: acme.tenantId, userId: acme.admin.userId, type: 'BILLING', year: null, format: 'csv' });
  const stalled = await jobs.reports.create({ tenantId: acme.tenantId, userId: acme.admin.userId, type: 'BILLING', year: null, format: 'html' });
  const db = app.node.infra.database!;
  // A worker claimed it and died: PROCESSING, lease run out.
  await db.withTenant(acme.tenantId, () =>
    db.sequelize.query(`UPDATE reports SET status = 'PROCESSING', attempts = 1, lease_until = now() - interval '1 second', enqueued_at = now() WHERE id = $1 RETURNING id`, {
      bind: [stalled.id],
      type: QueryTypes.SELECT,
    }),
  );
  const recovery = jobs.kit.recovery({ maxAttempts: 3, unpublishedAfterSeconds: 0, lostAfterSeconds: 120 });
  const result = await recovery.sweep();
  t.true(result.published >= 1 && result.republished >= 1, JSON.stringify(result));
  for (const id of [lost.id, stalled.id]) t.is((await waitForJob(`${app.url}/v1/reports/${id}`, acme.admin.token)).status, 'COMPLETED');
});

test('cancelling a pending report keeps it from rendering', async (t) => {
  const jobs = createRenderJobs(app.node.infra);
  const row = await jobs.reports.create({ tenantId: acme.tenantId, userId: acme.admin.userId, type: 'BILLING', year: null, format: 'csv' });
  const cancel = await fetch(`${app.url}/v1/reports/${row.id}/cancel`, { method: 'POST', headers: authed(acme.admin.token), body: '{}' });
  t.like(await cancel.json(), { id: row.id, status: 'CANCELLED' });
  await jobs.kit.publish([{ kind: 'report', id: row.id, tenantId: acme.tenantId }]);
  for (let i = 0; i < 100 && (await jobs.kit.queue.depth()) > 0; i++) await new Promise((r) => setTimeout(r, 50));
  t.like((await getJson(`${app.url}/v1/reports/${row.id}`, acme.admin.token)).body, { status: 'CANCELLED', progress: 0 });
  t.is((await getJson(`${app.url}/v1/reports/${row.id}/download`, acme.admin.token)).status, 409);
});
