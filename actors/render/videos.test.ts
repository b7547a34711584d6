import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import { authed, createTenant, type TestTenant } from '../../test/support/accounts';
import { startTestNode, type TestNode } from '../../test/support/node';
import { resolveFfprobe } from '../../infra/bin/ffmpeg';
import { createRenderJobs } from './domain';
import { download, getJson, seedPocs, waitForJob } from './testing';
import { Sql } from '../../infra/db/sql';
import { VideoData } from './video/VideoData';

const run = promisify(execFile);
let app: TestNode;
let acme: TestTenant;
const YEAR = new Date().getUTCFullYear() - 1;
const SLIDE_SECONDS = 1;

test.before(async () => {
  app = await startTestNode({
    services: ['gateway', 'tenant', 'poc', 'render', 'jobs'],
    env: { VIDEO_SLIDE_SECONDS: String(SLIDE_SECONDS), RENDER_CONCURRENCY: '2', YEARLY_SCHEDULE_ENABLED: 'false' },
  });
  acme = await createTenant(app, { members: 2 });
  const names = ['Edge cache', 'Log shipper with a rather long name that needs two lines on the slide', 'Форма', 'Summer', 'Queue "bench"', 'Ünïcode: 100% {done}'];
  await seedPocs(
    app.node.infra.database!,
    acme.tenantId,
    acme.members[0]!.userId,
    names.map((name, i) => ({
      name,
      language: i % 2 ? 'Go' : 'TypeScript',
      tags: ['web', `t${i}`],
      frameworks: i === 0 ? ['Express'] : [],
      description: 'A proof of concept. '.repeat(i * 8),
      // Noon UTC: the year is the tenant's (São Paulo), where midnight UTC on 1 January is still last year.
      created: new Date(Date.UTC(YEAR, i * 2, 1 + i, 12)),
    })),
  );
});

test.after.always(async () => {
  await app?.stop();
});

const post = (token: string, path: string, body: unknown = {}) => fetch(`${app.url}${path}`, { method: 'POST', headers: authed(token), body: JSON.stringify(body) });

async function generate(token: string, year = YEAR): Promise<string> {
  const res = await post(token, '/v1/videos/generate', { year });
  if (res.status !== 202) throw new Error(`generate -> ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

async function probe(bytes: Buffer): Promise<{ streams: Array<Record<string, unknown>>; format: { duration: string } }> {
  const file = path.join(os.tmpdir(), `probe-${process.pid}-${Date.now()}.mp4`);
  await writeFile(file, bytes);
  const { stdout } = await run(resolveFfprobe(app.node.infra.config), ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', file]);
  return JSON.parse(stdout);
}

async function objectsOf(video: string): Promise<string[]> {
  const store = app.node.infra.objectStore!;
  const keys = [];
  for (const ext of ['mp4', 'jpg']) {
    const key = `videos/${acme.tenantId}/${acme.members[0]!.userId}/${YEAR}/${video}.${ext}`;
    if (await store.head(key)) keys.push(key);
  }
  return keys;
}

test.serial('a user with six POCs gets a 1280x720 H.264 + AAC video of a slide per POC plus intro and outro, and a JPEG thumbnail', async (t) => {
  const owner = acme.members[0]!;
  const id = await generate(owner.token);
  const view = await waitForJob(`${app.url}/v1/videos/${id}`, owner.token, 120_000);
  t.like(view, { id, year: YEAR, status: 'COMPLETED', progress: 100, error: null, duration_ms: 8 * SLIDE_SECONDS * 1000, options: {} });
  const video = await download(`${app.url}/v1/videos/${id}/download`, owner.token);
  t.is(video.type, 'video/mp4');
  const info = await probe(video.bytes);
  const v = info.streams.find((s) => s.codec_type === 'video');
  const a = info.streams.find((s) => s.codec_type === 'audio');
  t.like(v, { codec_name: 'h264', width: 1280, height: 720 });
  t.like(a, { codec_name: 'aac' });
  t.true(Number(info.format.duration) >= 6 * 1 + 2 * SLIDE_SECONDS - 0.05, `duration ${info.format.duration}`);
  const thumb = await download(`${app.url}/v1/videos/${id}/thumbnail`, owner.token);
  t.is(thumb.type, 'image/jpeg');
  t.deepEqual([...thumb.bytes.subarray(0, 3)], [0xff, 0xd8, 0xff]);
  // Asking again returns the same video rather than rendering another.
  t.is(await generate(owner.token), id);
  const listed = await getJson(`${app.url}/v1/videos`, owner.token);
  const items = (listed.body.items as Array<{ id: string; user_id: string; url?: string }>).filter((x) => x.id === id);
  t.is(items.length, 1);
  t.is(items[0]!.user_id, owner.userId);
  // The list item's pre-signed link downloads the same video, without the gateway.
  const direct = await fetch(items[0]!.url!);
  t.is(direct.status, 200);
  t.is(Buffer.from(await direct.arrayBuffer()).length, video.bytes.length);
});

test.serial('a redelivered job neither renders again nor leaves a second object', async (t) => {
  const owner = acme.members[0]!;
  const id = await generate(owner.token);
  const before = await waitForJob(`${app.url}/v1/videos/${id}`, owner.token, 120_000);
  const queue = app.node.infra.queue;
  const RENDER_SUBJECT = createRenderJobs(app.node.infra).kit.queue.subject;
  // Two more deliveries of the same job, as at-least-once delivery may bring.
  await queue.publish(RENDER_SUBJECT, { kind: 'video', id, tenantId: acme.tenantId }, { msgId: `${id}:again-1` });
  await queue.publish(RENDER_SUBJECT, { kind: 'video', id, tenantId: acme.tenantId }, { msgId: `${id}:again-2` });
  for (let i = 0; i < 200 && (await queue.pending(RENDER_SUBJECT)) > 0; i++) await new Promise((r) => setTimeout(r, 50));
  const after = (await getJson(`${app.url}/v1/videos/${id}`, owner.token)).body;
  t.is(after.completed_at, before.completed_at);
  t.is(after.status, 'COMPLETED');
  t.deepEqual((await objectsOf(id)).length, 2);
});

test('a user with no POCs gets a short "no POCs this year" video', async (t) => {
  const owner = acme.members[1]!;
  const id = await generate(owner.token);
  const view = await waitForJob(`${app.url}/v1/videos/${id}`, owner.token, 120_000);
  t.like(view, { status: 'COMPLETED', duration_ms: 2 * SLIDE_SECONDS * 1000 });
  const info = await probe((await download(`${app.url}/v1/videos/${id}/download`, owner.token)).bytes);
  t.like(
    info.streams.find((s) => s.codec_type === 'video'),
    { codec_name: 'h264', width: 1280, height: 720 },
  );
});

test('video options: a range, tags in and out, seconds per POC, order and title; asked again with other options it renders again', async (t) => {
  const owner = acme.admin;
  const db = app.node.infra.database!;
  const at = (month: number, day: number) => new Date(Date.UTC(YEAR, month - 1, day, 12));
  await seedPocs(db, acme.tenantId, owner.userId, [
    { name: 'Alpha', language: 'Go', tags: ['web'], created: at(2, 10) },
    { name: 'bravo', language: 'TypeScript', tags: ['cli'], created: at(3, 10) },
    { name: 'Charlie', language: 'Go', tags: ['Web', 'cli'], created: at(4, 10) },
    { name: 'Echo', language: 'Go', tags: ['ops', 'web'], created: at(3, 20) },
    { name: 'Delta', language: 'Go', tags: ['web'], created: at(8, 10) },
  ]);
  const bad = async (body: Record<string, unknown>, field: string) => {
    const res = await post(owner.token, '/v1/videos/generate', body);
    t.is(res.status, 422, JSON.stringify(body));
    t.like(await res.json(), { error: { fields: [{ field }] } });
  };
  await bad({ seconds_per_poc: 0 }, 'seconds_per_poc');
  await bad({ order: 'random' }, 'order');
  await bad({ year: YEAR, from: `${YEAR - 1}-12-01` }, 'from');
  await bad({ to: `${YEAR}-03-01` }, 'from');
  await bad({ from: `${YEAR}-03-01`, to: `${YEAR}-02-01` }, 'to');

  // February to June, tagged web or cli but not ops: Alpha, bravo, Charlie; newest first.
  const options = { from: `${YEAR}-02-01`, to: `${YEAR}-06-30`, tags: ['web', 'CLI'], exclude_tags: ['ops'], seconds_per_poc: 3, order: 'newest', title: 'Meu semestre' };
  const res = await post(owner.token, '/v1/videos/generate', options);
  const text = await res.text();
  t.is(res.status, 202, text);
  const { id } = JSON.parse(text) as { id: string };
  const view = await waitForJob(`${app.url}/v1/videos/${id}`, owner.token, 120_000);
  // Intro and outro at the renderer's slide length, three POC slides of 3 s.
  t.like(view, { status: 'COMPLETED', year: YEAR, duration_ms: (2 * SLIDE_SECONDS + 3 * 3) * 1000, options });
  const info = await probe((await download(`${app.url}/v1/videos/${id}/download`, owner.token)).bytes);
  t.true(Math.abs(Number(info.format.duration) - (2 * SLIDE_SECONDS + 9)) < 0.2, `duration ${info.format.duration}`);
  // The slides' POCs and their order, as the renderer reads them.
  const figures = await new VideoData(new Sql(db)).load(acme.tenantId, owner.userId, YEAR, 100, 'America/Sao_Paulo', { ...options, order: 'newest' });
  t.deepEqual(
    figures.pocs.map((p) => p.name),
    ['Charlie', 'bravo', 'Alpha'],
  );
  const byName = await new VideoData(new Sql(db)).load(acme.tenantId, owner.userId, YEAR, 100, 'America/Sao_Paulo', { ...options, order: 'name' });
  t.deepEqual(
    byName.pocs.map((p) => p.name),
    ['Alpha', 'bravo', 'Charlie'],
  );

  // The same options again: the same video, not rendered again.
  const same = await post(owner.token, '/v1/videos/generate', options);
  t.like(await same.json(), { id, status: 'COMPLETED' });
  // Other options: the same video rendered again with them.
  const shorter = await post(owner.token, '/v1/videos/generate', { ...options, seconds_per_poc: 2 });
  t.like(await shorter.json(), { id, status: 'PENDING' });
  const again = await waitForJob(`${app.url}/v1/videos/${id}`, owner.token, 120_000);
  t.like(again, { status: 'COMPLETED', duration_ms: (2 * SLIDE_SECONDS + 3 * 2) * 1000, options: { seconds_per_poc: 2 } });
});

test("another user's or another tenant's video is 404; deleting removes the files", async (t) => {
  const owner = acme.members[0]!;
  const id = await generate(owner.token);
  await waitForJob(`${app.url}/v1/videos/${id}`, owner.token, 120_000);
  const other = await createTenant(app);
  for (const token of [acme.members[1]!.token, acme.admin.token, other.admin.token]) {
    for (const suffix of ['', '/download', '/thumbnail']) t.is((await getJson(`${app.url}/v1/videos/${id}${suffix}`, token)).status, 404, suffix);
    t.is((await fetch(`${app.url}/v1/videos/${id}`, { method: 'DELETE', headers: authed(token) })).status, 404);
  }
  t.is((await post(owner.token, '/v1/videos/generate', { year: 1999 })).status, 422);
  t.is((await post(owner.token, '/v1/videos/generate', { year: YEAR + 2 })).status, 422);
  t.is((await fetch(`${app.url}/v1/videos/${id}`, { method: 'DELETE', headers: authed(owner.token) })).status, 200);
  t.deepEqual(await objectsOf(id), []);
  t.is((await getJson(`${app.url}/v1/videos/${id}`, owner.token)).status, 404);
});

test('metrics show the queue depth, jobs by state, render seconds and bytes stored; the contract lists the routes', async (t) => {
  const text = await (await fetch(`${app.opsUrl}/metrics`)).text();
  for (const name of ['pocdojo_render_queue_depth', 'pocdojo_render_jobs', 'pocdojo_render_jobs_total', 'pocdojo_render_seconds_bucket', 'pocdojo_render_bytes_stored_total']) {
    t.true(text.includes(name), name);
  }
  t.regex(text, /pocdojo_render_jobs_total\{kind="video",outcome="completed"\} [1-9]/);
  const openapi = (await (await fetch(`${app.url}/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
  for (const path of ['/v1/report/anual', '/v1/reports/{id}/download', '/v1/videos/generate', '/v1/videos/{id}/thumbnail']) t.truthy(openapi.paths[path], path);
});
