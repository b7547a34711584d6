import { QueryTypes } from 'sequelize';
import test from 'ava';
import { authed, createTenant } from '../../test/support/accounts';
import { startTestNode, type TestNode } from '../../test/support/node';
import { createRenderJobs } from './domain';
import { waitForJob } from './testing';

let app: TestNode;

test.before(async () => {
  // ffmpeg set to a file that is not a program: no attempt can ever succeed on this node.
  app = await startTestNode({
    services: ['gateway', 'tenant', 'render'],
    env: { FFMPEG_BIN: '/nonexistent/ffmpeg', RENDER_MAX_ATTEMPTS: '5', RENDER_RETRY_BASE_MS: '2000' },
  });
});

test.after.always(async () => {
  await app?.stop();
});

// Its transient sibling (ffmpeg exits 1: retried, then FAILED) is in failures.test.ts.
test('a job that can never succeed fails on its first attempt with its message and is dead-lettered once', async (t) => {
  const acme = await createTenant(app, { members: 1 });
  const owner = acme.members[0]!;
  const res = await fetch(`${app.url}/v1/videos/generate`, { method: 'POST', headers: authed(owner.token), body: JSON.stringify({ year: new Date().getUTCFullYear() - 1 }) });
  const { id } = (await res.json()) as { id: string };
  // Five attempts 2 s apart would take 30 s; one attempt answers at once.
  const view = await waitForJob(`${app.url}/v1/videos/${id}`, owner.token);
  t.like(view, { status: 'FAILED', error: 'Video rendering is not available on this server' });
  const db = app.node.infra.database!;
  const [row] = await db.withTenant(acme.tenantId, () => db.sequelize.query<{ attempts: number }>('SELECT attempts FROM content_requests WHERE id = $1', { bind: [id], type: QueryTypes.SELECT }));
  t.is(row?.attempts, 1);
  const dead = (await app.node.infra.queue.deadLetters(createRenderJobs(app.node.infra).kit.queue.subject)).filter((d) => (d.payload as { id: string }).id === id);
  t.is(dead.length, 1);
  t.like(dead[0], { attempts: 1, error: 'Video rendering is not available on this server' });
});

test('/ready names the features this node cannot run and why, and stays ready', async (t) => {
  const res = await fetch(`${app.url}/ready`);
  t.is(res.status, 200);
  const body = (await res.json()) as { status: string; features: Record<string, string> };
  t.is(body.status, 'ready');
  t.deepEqual(body.features, {
    video: 'unavailable: FFMPEG_BIN=/nonexistent/ffmpeg is not an executable file',
    'pdf-reports': 'available',
  });
});
