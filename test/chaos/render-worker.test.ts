import { randomBytes } from 'node:crypto';
import test from 'ava';
import { getJson, seedPocs, waitForJob } from '../../actors/render/testing';
import { startEmbeddedS3, type EmbeddedS3 } from '../../infra/storage/embeddedS3';
import { silentLogger } from '../../infra/logger';
import { authed, createTenant } from '../support/accounts';
import { tempDataDir } from '../support/dirs';
import { startTestNode, type TestNode } from '../support/node';
import { startProcess, type NodeProcess } from '../support/process';
import { privateServicesUnavailable, startPrivateNats, startPrivatePostgres } from '../support/services';

// Issue 11: a render worker killed (SIGKILL) in the middle of a video: the job must still
// complete, exactly once in effect (one COMPLETED row, one set of files), on another worker.
// The workers are real processes; the gateway, tenant and jobs (recovery sweep) actors run in
// this process, all on private PostgreSQL and NATS and one S3 server they share.

const unavailable = privateServicesUnavailable();
const YEAR = new Date().getUTCFullYear() - 1;
const cleanups: Array<() => Promise<unknown>> = [];

test.after.always(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

async function renderWorker(env: Record<string, string>): Promise<NodeProcess> {
  const dataDir = await tempDataDir();
  cleanups.push(() => dataDir.remove());
  // With a gateway only so the start helper can wait on its /ready; no client calls it.
  const worker = await startProcess(
    { ...env, DATA_DIR: dataDir.path, SERVICES: 'gateway,render', NODE_ID: `render-${randomBytes(3).toString('hex')}` },
    { command: [process.execPath, '--import', 'tsx', 'deploy/start.ts'] },
  );
  cleanups.push(() => worker.stop('SIGKILL'));
  return worker;
}

test('a render worker killed mid-video: another worker completes the job once', async (t) => {
  if (unavailable) {
    t.log(`skipped: ${unavailable}`);
    t.pass();
    return;
  }
  // Two worker start-ups, the lease of the killed claim to run out and the sweep to notice it.
  t.timeout(280_000);
  const [postgres, nats] = await Promise.all([startPrivatePostgres(), startPrivateNats()]);
  cleanups.push(
    () => postgres.remove(),
    () => nats.remove(),
  );
  const s3Dir = await tempDataDir();
  const s3: EmbeddedS3 = await startEmbeddedS3({ dataDir: s3Dir.path, logger: silentLogger });
  cleanups.push(
    () => s3Dir.remove(),
    () => s3.close(),
  );
  const shared: Record<string, string> = {
    DATABASE_URL: postgres.url,
    TRANSPORTER: nats.url,
    NAMESPACE: `chaos-${randomBytes(4).toString('hex')}`,
    S3_ENDPOINT: s3.endpoint,
    S3_REGION: s3.region,
    AWS_ACCESS_KEY_ID: s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
    YEARLY_SCHEDULE_ENABLED: 'false',
    // Long enough that the kill surely lands while ffmpeg encodes.
    VIDEO_SLIDE_SECONDS: '6',
  };
  const app: TestNode = await startTestNode({ services: ['gateway', 'tenant', 'jobs'], env: shared });
  cleanups.push(() => app.stop());
  const first = await renderWorker(shared);

  const tenant = await createTenant(app, { members: 1 });
  const member = tenant.members[0]!;
  await seedPocs(
    app.node.infra.database!,
    tenant.tenantId,
    member.userId,
    ['Edge cache', 'Log shipper', 'Queue bench', 'Search'].map((name, i) => ({
      name,
      language: 'TypeScript',
      tags: ['web'],
      created: new Date(Date.UTC(YEAR, i * 3, 2)),
    })),
  );
  // Until the gateway's node has heard of the new worker, render answers 503: a client retries.
  let res = await fetch(`${app.url}/v1/videos/generate`, { method: 'POST', headers: authed(member.token), body: JSON.stringify({ year: YEAR }) });
  for (const deadline = Date.now() + 15_000; res.status === 503 && Date.now() < deadline;) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    res = await fetch(`${app.url}/v1/videos/generate`, { method: 'POST', headers: authed(member.token), body: JSON.stringify({ year: YEAR }) });
  }
  t.is(res.status, 202);
  const { id } = (await res.json()) as { id: string };
  const url = `${app.url}/v1/videos/${id}`;

  // Kill the worker once it has claimed the job and started encoding.
  for (const deadline = Date.now() + 60_000; ;) {
    const view = await getJson(url, member.token);
    if (view.body.status === 'PROCESSING') break;
    if (Date.now() > deadline || view.body.status === 'COMPLETED') throw new Error(`the job never ran on the first worker: ${JSON.stringify(view.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await first.stop('SIGKILL');
  const killedAt = Date.now();
  const second = await renderWorker(shared);
  t.log(`second worker ready ${Date.now() - killedAt} ms after the kill`);

  const done = await waitForJob(url, member.token, 240_000);
  t.log(`job completed ${Date.now() - killedAt} ms after its worker was killed`);
  t.is(done.status, 'COMPLETED');
  t.is(done.progress, 100);
  // Exactly once in effect: one row, one video and thumbnail under the job's own keys.
  for (const ext of ['mp4', 'jpg']) t.truthy(await app.node.infra.objectStore!.head(`videos/${tenant.tenantId}/${member.userId}/${YEAR}/${id}.${ext}`), `the video's ${ext} is stored`);
  const list = await getJson(`${app.url}/v1/videos`, member.token);
  t.is((list.body.items as unknown[]).length, 1);
  await second.stop();
});
