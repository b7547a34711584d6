import { spawn } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { codeDojo, coder, startCodeNode } from '../../actors/code-exec/testing';
import { quietDependencyWarnings } from '../../config/runtime';
import { createTenant, type TestTenant, type TestUser } from '../../test/support/accounts';
import type { TestNode } from '../../test/support/node';
import type { Row } from '../lib/table';

type Coder = Awaited<ReturnType<typeof coder>>;

const TRIVIAL = { python: 'print(1)', javascript: 'console.log(1)' } as const;
const BARE = { python: [realpathSync('/usr/bin/python3'), ['-c', 'print(1)']], javascript: [process.execPath, ['-e', 'console.log(1)']] } as const;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** The bare interpreter, as a plain child_process.spawn starts it: spawn to exit. */
function bare(language: keyof typeof BARE): Promise<number> {
  const [bin, args] = BARE[language];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.resume();
    child.stderr.resume();
    child.once('error', reject);
    child.once('close', () => resolve(performance.now() - started));
  });
}

/** code.run sent -> code.result received, at the client. */
async function timedRun(room: Coder): Promise<number> {
  const started = performance.now();
  const reply = await room.client.request('code.run', {});
  if (!reply.ok) throw new Error(`code.run refused: ${JSON.stringify(reply.error)}`);
  const { executionId } = reply.data as { executionId: string };
  const result = await room.client.nextPushOf('code.result', (d) => d.executionId === executionId, 120_000);
  if (result.status !== 'COMPLETED') throw new Error(`trivial run ended ${result.status}`);
  return performance.now() - started;
}

async function rooms(app: TestNode, tenant: TestTenant, user: TestUser, n: number, language: 'python' | 'javascript'): Promise<Coder[]> {
  const made = await Promise.all(Array.from({ length: n }, () => codeDojo(app, tenant, user, [tenant.members[0]!], { language }).then((id) => coder(app, user, id))));
  await Promise.all(made.map((r) => r.write(TRIVIAL[language])));
  return made;
}

async function overhead(app: TestNode, tenant: TestTenant, language: 'python' | 'javascript', samples: number): Promise<Row> {
  const [room] = await rooms(app, tenant, tenant.facilitators[0]!, 1, language);
  for (let i = 0; i < 3; i++) await timedRun(room!);
  const viaRun: number[] = [];
  const plain: number[] = [];
  // Interleaved, so both see the same machine load.
  for (let i = 0; i < samples; i++) {
    viaRun.push(await timedRun(room!));
    plain.push(await bare(language));
  }
  await room!.client.close();
  return {
    measure: `${TRIVIAL[language]} (${language})`,
    'code.run p50 ms': percentile(viaRun, 50),
    'code.run p95 ms': percentile(viaRun, 95),
    'bare spawn p50 ms': percentile(plain, 50),
    'bare spawn p95 ms': percentile(plain, 95),
    'overhead p50 ms': percentile(viaRun, 50) - percentile(plain, 50),
    'overhead p95 ms': percentile(viaRun, 95) - percentile(plain, 95),
  };
}

async function throughput(app: TestNode, tenant: TestTenant, language: 'python' | 'javascript', total: number): Promise<Row> {
  const many = await rooms(app, tenant, tenant.facilitators[0]!, 8, language);
  const started = performance.now();
  await Promise.all(
    many.map(async (room, i) => {
      for (let k = i; k < total; k += many.length) await timedRun(room);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(many.map((r) => r.client.close()));
  return { measure: `trivial runs/s, ${language}, 8 rooms x 1 in flight`, 'runs/s': total / seconds, runs: total };
}

/** 20 rooms queue 10 runs each; meanwhile new rooms press run once each: how long their first run waits. */
async function flood(app: TestNode, tenant: TestTenant): Promise<Row[]> {
  const user = tenant.facilitators[0]!;
  const flooders = await rooms(app, tenant, user, 20, 'python');
  const newcomers = await rooms(app, tenant, user, 10, 'python');
  let outstanding = 0;
  const done: Array<Promise<unknown>> = [];
  // All 200 at once (the rooms' sockets in parallel), so the queue is full when the probes start.
  await Promise.all(
    flooders.flatMap((room) =>
      Array.from({ length: 10 }, async () => {
        const reply = await room.client.request('code.run', {});
        if (!reply.ok) throw new Error(`flood refused: ${JSON.stringify(reply.error)}`);
        const { executionId } = reply.data as { executionId: string };
        outstanding++;
        done.push(room.client.nextPushOf('code.result', (d) => d.executionId === executionId, 300_000).then(() => outstanding--));
      }),
    ),
  );
  const waits: number[] = [];
  const depths: number[] = [];
  // One newcomer after another while the flood drains; each one's first run is timed.
  for (const room of newcomers) {
    if (outstanding === 0) break;
    depths.push(outstanding);
    waits.push(await timedRun(room));
  }
  const floodStarted = performance.now();
  await Promise.all(done);
  const drainSeconds = (performance.now() - floodStarted) / 1000;
  await Promise.all([...flooders, ...newcomers].map((r) => r.client.close()));
  return [
    {
      measure: "flood: a new room's first run while 20 rooms have 200 runs queued",
      'new room wait p50 ms': percentile(waits, 50),
      'new room wait p95 ms': percentile(waits, 95),
      'queue depth at probe (median)': percentile(depths, 50),
      'queue depth at probe (max)': Math.max(...depths),
      probes: waits.length,
      'flood drained after probes s': drainSeconds,
    },
  ];
}

/**
 * `npm run bench code-exec`: the sandbox's cost per run against the bare interpreter (same run,
 * interleaved), trivial runs per second on this machine, and fairness under a flood.
 */
export async function run(): Promise<Row[]> {
  quietDependencyWarnings();
  const app = await startCodeNode({
    CODE_EXEC_ROOM_RUNS_PER_MINUTE: '100000',
    CODE_EXEC_TENANT_RUNS_PER_MINUTE: '1000000',
    CODE_EXEC_ROOM_QUEUED: '1000',
    CODE_EXEC_TENANT_QUEUED: '100000',
  });
  try {
    const tenant = await createTenant(app, { members: 1, facilitators: 1 });
    const rows: Row[] = [];
    rows.push(await overhead(app, tenant, 'python', 40));
    rows.push(await overhead(app, tenant, 'javascript', 40));
    rows.push(await throughput(app, tenant, 'python', 120));
    rows.push(await throughput(app, tenant, 'javascript', 80));
    rows.push(...(await flood(app, tenant)));
    return rows;
  } finally {
    await app.stop();
  }
}
