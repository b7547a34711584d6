import * as codeExec from './code-exec/code-exec.bench';
import * as dojoFanout from './dojo/fanout.bench';
import * as dojoSockets from './dojo/sockets.bench';
import * as gateway from './gateway.bench';
import * as kata from './kata.bench';
import * as login from './login.bench';
import * as mediaChurn from './media/churn.bench';
import * as mediaConsumers from './media/consumers.bench';
import * as pocSearch from './poc/search.bench';
import * as pocZipf from './poc/zipf.bench';
import * as renderReport from './render/report.bench';
import * as renderVideo from './render/video.bench';
import * as reports from './reports/reports.bench';
import * as soak from './soak/soak.bench';
import * as tenant from './tenant.bench';
import { formatTable, type Row } from './lib/table';

/**
 * `npm run bench [name ...]`: runs the benchmarks and prints a table each. Every figure is
 * compared with a baseline measured in the same run; nothing here fails the build.
 */
const BENCHES: Record<string, { title: string; run: (options?: object) => Promise<Row[]>; onlyByName?: boolean }> = {
  gateway: { title: 'Authenticated JSON action: gateway vs moleculer-web (same broker, same action)', run: gateway.run },
  'dojo-fanout': {
    title:
      'Chat fan-out: one sender at 1,000 msg/s (vs bare ws); 100 senders x 5 msg/s in a 100-member room and 5,000 sockets joining 50 rooms (vs bare uWebSockets.js); one node, two nodes over NATS',
    run: dojoFanout.run,
  },
  'dojo-sockets': { title: 'Idle authenticated sockets per gateway process: memory per socket vs ws', run: dojoSockets.run },
  kata: { title: 'Katas: rooms/auto of 100 present participants into 25 rooms (until all joined), facilitator broadcast vs a chat message in the 100-member room (same run)', run: kata.run },
  poc: { title: 'POC search on the largest tenant (1M POCs; POC_BENCH_SCALE to shrink) vs a naive ILIKE + GROUP BY', run: pocSearch.run },
  'poc-zipf': {
    title:
      'POC search and creation through the gateway on one Zipf-shaped tenant (--size, default 20k): create rate first vs last, p50/p95/p99 uncached and cached per query class, vs a naive ILIKE + GROUP BY',
    run: pocZipf.run,
  },
  media: { title: 'Consumers per mediasoup worker at 85% of a core: pocdojo media layer vs a bare router (about 11 min)', run: mediaConsumers.run },
  'media-churn': { title: 'Media churn: one publisher reconnects 100 times in a 20-member room; server objects and memory before/after', run: mediaChurn.run },
  'render-video': { title: 'Yearly video render: x realtime, vs ffmpeg alone on the same frames', run: renderVideo.run },
  'render-report': { title: 'Annual PDF report for a tenant with 10,000 POCs: time and peak memory', run: renderReport.run },
  'code-exec': { title: 'Code runs in the sandbox: overhead vs the bare interpreter (same run), trivial runs/s, fairness under a 200-run flood', run: codeExec.run },
  reports: {
    title: 'Dashboards on a generated tenant (REPORTS_BENCH_POCS, default 200k POCs): p95 uncached, cached, vs a naive single statement; 100k-row export XLSX vs CSV',
    run: reports.run,
  },
  tenant: { title: 'GET /v1/user cached vs uncached; scrypt login cost', run: tenant.run },
  login: { title: 'Login under a storm and the hashing pool vs raw scrypt on libuv (same run); file I/O p99 beside hashing', run: login.run },
  // Half an hour: run when named, never as part of the full list.
  soak: { title: 'Soak: sockets in dojos chatting and editing, REST beside them: node RSS, lag and handles over the run, vs an idle node', run: soak.run, onlyByName: true },
};

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  // `--minutes 3`: a value after an option is the option's, unless it names a benchmark.
  const wanted = args.filter((a, i) => !a.startsWith('-') && (a in BENCHES || !/^--[^=]+$/.test(args[i - 1] ?? '')));
  const names = wanted.length > 0 ? wanted : Object.keys(BENCHES).filter((name) => !BENCHES[name]?.onlyByName);
  for (const name of names) {
    const bench = BENCHES[name];
    if (!bench) {
      process.stderr.write(`unknown benchmark "${name}" (known: ${Object.keys(BENCHES).join(', ')})\n`);
      process.exitCode = 2;
      continue;
    }
    const started = Date.now();
    const rows = await bench.run();
    process.stdout.write(`\n${formatTable(`${bench.title}  [${((Date.now() - started) / 1000).toFixed(0)} s]`, rows)}`);
  }
}

main().catch((error: Error) => {
  process.stderr.write(`bench failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
