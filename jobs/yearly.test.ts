import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { QueryTypes } from 'sequelize';
import test from 'ava';
import { authed, createTenant, type TestTenant } from '../test/support/accounts';
import { startTestNode, type TestNode } from '../test/support/node';
import { Sql } from '../infra/db/sql';
import { silentLogger } from '../infra/logger';
import { queueThroughRender } from './renderQueue';
import { YearlyBatch, type YearlyBatchResult } from './YearlyBatch';

const run = promisify(execFile);
let app: TestNode;
let acme: TestTenant;
let other: TestTenant;
let dataDir: string;
const YEAR = new Date().getUTCFullYear() - 1;

test.before(async () => {
  app = await startTestNode({ services: ['gateway', 'tenant', 'render', 'jobs'], env: { VIDEO_SLIDE_SECONDS: '1', YEARLY_SCHEDULE_ENABLED: 'false' } });
  acme = await createTenant(app, { members: 2 });
  other = await createTenant(app, { members: 1 });
  // Signed up but never confirmed: not an active user, so no video.
  const res = await fetch(`${app.url}/v1/account`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenant: acme.slug, firstName: 'Una', lastName: 'Confirmed', email: 'una@mail.test', username: 'una', password: 'Correct-Horse-Battery-9' }),
  });
  if (res.status !== 201) throw new Error(`register -> ${res.status}`);
  // Already has this year's video: the batch leaves them alone.
  const own = await fetch(`${app.url}/v1/videos/generate`, { method: 'POST', headers: authed(acme.members[0]!.token), body: JSON.stringify({ year: YEAR }) });
  if (own.status !== 202) throw new Error(`generate -> ${own.status}`);
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'jobs-cli-'));
});

test.after.always(async () => {
  await app?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** `npm run jobs -- …` as an operator runs it, against the test node's database and queue namespace. */
async function cli(...args: string[]): Promise<YearlyBatchResult> {
  const env = {
    ...process.env,
    DATABASE_URL: app.node.infra.databaseUrl,
    NAMESPACE: app.node.infra.config.namespace,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
  };
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'jobs/cli.ts', 'yearly', ...args, '--json'], { env, cwd: path.join(__dirname, '..'), timeout: 60_000 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as YearlyBatchResult;
}

async function jobRows(tenantId: string): Promise<{ videos: number; reports: number }> {
  const db = app.node.infra.database!;
  return db.asSystem(async () => {
    const [v] = await db.sequelize.query<{ n: number }>('SELECT count(*)::int AS n FROM content_requests WHERE tenant_id = $1 AND year = $2', { bind: [tenantId, YEAR], type: QueryTypes.SELECT });
    const [r] = await db.sequelize.query<{ n: number }>(`SELECT count(*)::int AS n FROM reports WHERE tenant_id = $1 AND year = $2 AND source = 'BATCH'`, {
      bind: [tenantId, YEAR],
      type: QueryTypes.SELECT,
    });
    return { videos: v!.n, reports: r!.n };
  });
}

test.serial('the yearly batch CLI creates exactly the expected jobs once; a second run creates none', async (t) => {
  const dry = await cli('--year', String(YEAR), '--tenant', acme.slug, '--dry-run');
  t.like(dry, { year: YEAR, tenants: 1, activeUsers: 3, videosCreated: 2, reportsCreated: 1, published: 0, dryRun: true });
  t.deepEqual(await jobRows(acme.tenantId), { videos: 1, reports: 0 });

  const first = await cli('--year', String(YEAR), '--tenant', acme.slug);
  t.like(first, { tenants: 1, activeUsers: 3, videosCreated: 2, reportsCreated: 1, dryRun: false, stopped: false });
  // On NATS the CLI queues them itself; on the in-process queue the node's sweep does.
  t.is(first.published, process.env.TRANSPORTER ? 3 : 0);
  t.deepEqual(await jobRows(acme.tenantId), { videos: 3, reports: 1 });
  t.deepEqual(await jobRows(other.tenantId), { videos: 0, reports: 0 });

  const second = await cli('--year', String(YEAR), '--tenant', acme.slug);
  t.like(second, { videosCreated: 0, reportsCreated: 0, published: 0 });
  t.deepEqual(await jobRows(acme.tenantId), { videos: 3, reports: 1 });
});

test.serial('in a node (the scheduled run) the batch asks render to queue what it recorded, once', async (t) => {
  const batch = new YearlyBatch(new Sql(app.node.infra.database!), queueThroughRender(app.node.broker, silentLogger));
  t.like(await batch.run({ year: YEAR, tenant: other.slug }), { activeUsers: 2, videosCreated: 2, reportsCreated: 1, published: 3 });
  t.like(await batch.run({ year: YEAR, tenant: other.slug }), { videosCreated: 0, reportsCreated: 0, published: 0 });
  t.deepEqual(await jobRows(other.tenantId), { videos: 2, reports: 1 });
});

test.serial('bad arguments and unknown tenants stop the CLI with a message', async (t) => {
  const failed = await t.throwsAsync(cli('--year', '1850'));
  t.regex(String((failed as { stderr?: string }).stderr), /--year must be a year/);
  const missing = await t.throwsAsync(cli('--tenant', 'no-such-tenant'));
  t.regex(String((missing as { stderr?: string }).stderr), /no active tenant with slug "no-such-tenant"/);
});
