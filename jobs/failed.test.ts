import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { QueryTypes } from 'sequelize';
import test from 'ava';
import { createTenant, type TestTenant } from '../test/support/accounts';
import { startTestNode, type TestNode } from '../test/support/node';
import { waitForJob } from '../actors/render/testing';

const run = promisify(execFile);
let app: TestNode;
let acme: TestTenant;
let other: TestTenant;
let dataDir: string;
let report = '';
let video = '';

test.before(async () => {
  app = await startTestNode({ services: ['gateway', 'tenant', 'render'] });
  [acme, other] = await Promise.all([createTenant(app), createTenant(app)]);
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'jobs-failed-'));
  const db = app.node.infra.database!;
  report = randomUUID();
  video = randomUUID();
  // Jobs that ran out of attempts (a full disk, a dead dependency): FAILED rows, dead-lettered.
  await db.asSystem(async () => {
    const q = (sql: string, bind: unknown[]) => db.sequelize.query(sql, { bind, type: QueryTypes.SELECT });
    await q(`INSERT INTO reports (id, tenant_id, user_id, type, format, status, attempts, error) VALUES ($1, $2, $3, 'BILLING', 'csv', 'FAILED', 5, 'Rendering failed: disk full') RETURNING id`, [
      report,
      acme.tenantId,
      acme.admin.userId,
    ]);
    await q(`INSERT INTO content_requests (id, tenant_id, user_id, year, status, attempts, error) VALUES ($1, $2, $3, 2024, 'FAILED', 5, 'Rendering failed: ffmpeg crashed') RETURNING id`, [
      video,
      other.tenantId,
      other.admin.userId,
    ]);
  });
});

test.after.always(async () => {
  await app?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** `npm run jobs -- …` as an operator runs it, against the test node's database and cluster. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, DATABASE_URL: app.node.infra.databaseUrl, NAMESPACE: app.node.infra.config.namespace, DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'jobs/cli.ts', ...args], { env, cwd: path.join(__dirname, '..'), timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;

test.serial('dead-letters lists failed jobs by kind and tenant; retry --failed queues them again, once', async (t) => {
  const all = lastJson((await cli('dead-letters', '--json')).stdout).failed as Array<{ id: string; kind: string; tenant: string; error: string }>;
  t.like(
    all.find((j) => j.id === report),
    { kind: 'report', tenant: acme.slug, error: 'Rendering failed: disk full' },
  );
  t.like(
    all.find((j) => j.id === video),
    { kind: 'video', tenant: other.slug },
  );
  const videos = lastJson((await cli('dead-letters', '--kind', 'video', '--json')).stdout).failed as Array<{ kind: string }>;
  t.true(videos.length > 0 && videos.every((j) => j.kind === 'video'));

  const retried = lastJson((await cli('retry', '--failed', '--kind', 'report', '--tenant', acme.slug, '--json')).stdout);
  t.like(retried, { requeued: 1, ids: [report] });
  // On NATS render publishes it at once; on the in-process queue the node's sweep does within a minute.
  const view = await waitForJob(`${app.url}/v1/reports/${report}`, acme.admin.token, 120_000);
  t.like(view, { status: 'COMPLETED', error: null });
  t.like(lastJson((await cli('retry', '--failed', '--kind', 'report', '--tenant', acme.slug, '--json')).stdout), { requeued: 0 });
  // The other tenant's video was not touched.
  t.true((lastJson((await cli('dead-letters', '--tenant', other.slug, '--json')).stdout).failed as Array<{ id: string }>).some((j) => j.id === video));
});

test('bad arguments stop the CLI with a message naming them', async (t) => {
  for (const [args, message] of [
    [['retry'], 'retry needs --failed'],
    [['retry', '--failed', '--kind', 'audio'], '--kind must be video or report'],
    [['dead-letters', '--limit', '0'], '--limit must be'],
    [['dead-letters', '--failed'], '--failed belongs to retry'],
  ] as const) {
    const { code, stderr } = await cli(...args);
    t.is(code, 2, args.join(' '));
    t.true(stderr.includes(message), stderr);
  }
});
