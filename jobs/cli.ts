import { ServiceBroker } from 'moleculer';
import pino from 'pino';
import { ConfigError, loadConfig, type Config, type LogLevel } from '../config';
import { quietDependencyWarnings } from '../config/runtime';
import { startInfrastructure } from '../infra/infrastructure';
import type { Logger } from '../infra/logger';
import { Sql } from '../infra/db/sql';
import { createBrokerOptions } from '../moleculer.config';
import { parseArgs, UsageError, USAGE, type CliArgs, type YearlyArgs } from './args';
import { runFailed } from './failedCli';
import { ProgressBar, type Writer } from './ProgressBar';
import { queueThroughRender, type QueueJobs } from './renderQueue';
import { parseTenantArgs, runTenantCommand, TENANT_USAGE, type LocalTenantActor, type TenantArgs } from './tenantCommand';
import { TenantNotFoundError, YearlyBatch, type YearlyBatchResult } from './YearlyBatch';

const WAIT_POLL_MS = 1000;
/** How long the CLI waits to discover a render node on NATS before leaving the rows to the sweep. */
const RENDER_DISCOVERY_MS = 10_000;

/**
 * `npm run jobs -- yearly --year 2025 [--tenant slug] [--dry-run] [--wait]`: the yearly batch by
 * hand (`retry --failed` and `dead-letters`: see failedCli.ts). It writes the jobs' rows and, on NATS, joins the cluster and asks render to queue them
 * on JetStream, where every render node takes its share. On embedded defaults the transporter
 * and queue are in-process, so this process only records the jobs: the running node's recovery
 * sweep publishes them within a minute.
 * Ctrl-C stops between steps; running it again does what is left.
 */
export async function runCli(argv: readonly string[], ui: { out: Writer; err: Writer }, local: { tenant?: LocalTenantActor } = {}): Promise<number> {
  if (argv[0] === 'tenant') return runTenantCli(argv.slice(1), ui, local.tenant);
  let args: CliArgs;
  let config;
  try {
    args = parseArgs(argv);
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof UsageError) && !(error instanceof ConfigError)) throw error;
    ui.err.write(`${error.message}\n${error instanceof UsageError ? `${USAGE}\n` : ''}`);
    return 2;
  }
  const logger = pino({ level: cliLogLevel(config.logLevel) }, pino.destination(2));
  const infra = await startInfrastructure(config, { database: true, objectStore: false }, logger);
  const broker = config.transporter ? await joinCluster(config, logger) : undefined;
  if (args.command !== 'yearly') {
    try {
      return await runFailed(args, new Sql(infra.database!), broker, logger, ui.out);
    } finally {
      await broker?.stop();
      await infra.stop();
    }
  }
  const abort = new AbortController();
  const interrupt = () => {
    if (abort.signal.aborted) process.exit(130);
    ui.err.write('\nstopping after the current step (Ctrl-C again to quit now); run again to do the rest\n');
    abort.abort();
  };
  process.on('SIGINT', interrupt);
  try {
    // Without a cluster to reach, leave the rows to the node's sweep.
    const queue: QueueJobs | undefined = broker && queueThroughRender(broker, logger);
    const batch = new YearlyBatch(new Sql(infra.database!), queue);
    const bar = new ProgressBar(ui.err);
    const result = await batch.run({
      year: args.year,
      tenant: args.tenant,
      dryRun: args.dryRun,
      signal: abort.signal,
      onProgress: (p) => bar.update(p.tenantsDone, p.tenants, `tenants ${p.tenantsDone}/${p.tenants} · ${p.created} jobs ${args.dryRun ? 'to create' : `created · ${p.published} queued`}`),
    });
    bar.done();
    ui.out.write(args.json ? `${JSON.stringify(result)}\n` : summary(result, Boolean(config.transporter)));
    if (args.wait && !args.dryRun && !result.stopped) await waitForJobs(batch, args, bar, abort.signal);
    return result.stopped ? 130 : 0;
  } catch (error) {
    if (!(error instanceof TenantNotFoundError)) throw error;
    ui.err.write(`${error.message}\n`);
    return 1;
  } finally {
    process.off('SIGINT', interrupt);
    await broker?.stop();
    await infra.stop();
  }
}

/** `npm run jobs -- tenant suspend|reactivate --tenant slug`: platform operators' control of a tenant. */
async function runTenantCli(argv: readonly string[], ui: { out: Writer; err: Writer }, localActor: LocalTenantActor | undefined): Promise<number> {
  let args: TenantArgs;
  let config: Config;
  try {
    args = parseTenantArgs(argv);
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof UsageError) && !(error instanceof ConfigError)) throw error;
    ui.err.write(`${error.message}\n${error instanceof UsageError ? `${TENANT_USAGE}\n` : ''}`);
    return 2;
  }
  return runTenantCommand(args, config, pino({ level: cliLogLevel(config.logLevel) }, pino.destination(2)), ui, localActor);
}

/** A broker on the cluster's transporter that hosts nothing: it only calls render's actions. */
async function joinCluster(config: Config, logger: Logger): Promise<ServiceBroker> {
  const level = cliLogLevel(config.logLevel);
  const options = createBrokerOptions({ ...config, logLevel: level });
  // stdout carries the summary (or --json): the broker's log goes to stderr, as the CLI's does.
  const broker = new ServiceBroker({
    ...options,
    logger: { type: 'Pino', options: { level: options.logLevel, pino: { options: { level }, destination: pino.destination(2) } } },
  });
  await broker.start();
  await broker.waitForServices('render', RENDER_DISCOVERY_MS).catch(() => logger.warn('jobs: no render node answered; its recovery sweep will queue the recorded jobs'));
  return broker;
}

function summary(r: YearlyBatchResult, published: boolean): string {
  const verb = r.dryRun ? 'would create' : 'created';
  const lines = [
    `${r.year}: ${r.tenants} tenant(s), ${r.activeUsers} active user(s); ${verb} ${r.videosCreated} video job(s) and ${r.reportsCreated} annual report job(s)`,
    r.dryRun ? 'dry run: nothing was changed' : published ? `queued ${r.published} job(s)` : 'recorded; the render nodes publish and render them (in-process queue)',
  ];
  if (r.tenantsWithoutAdmin.length) lines.push(`no annual report for tenants without an active admin: ${r.tenantsWithoutAdmin.join(', ')}`);
  if (r.stopped) lines.push('stopped before the end: run again to do the rest');
  return `${lines.join('\n')}\n`;
}

async function waitForJobs(batch: YearlyBatch, args: YearlyArgs, bar: ProgressBar, signal: AbortSignal): Promise<void> {
  for (;;) {
    const counts = await batch.statuses(args.year, args.tenant);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const open = (counts.PENDING ?? 0) + (counts.PROCESSING ?? 0);
    bar.update(total - open, total, `${counts.COMPLETED ?? 0} completed · ${counts.FAILED ?? 0} failed · ${open} to go`);
    if (open === 0 || signal.aborted) break;
    await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
  }
  bar.done();
}

/** The bar is the CLI's output: logs only from warn up, unless debugging was asked for. */
function cliLogLevel(level: LogLevel): LogLevel {
  return level === 'debug' || level === 'trace' || level === 'silent' || level === 'error' || level === 'fatal' ? level : 'warn';
}

if (require.main === module) {
  quietDependencyWarnings();
  runCli(process.argv.slice(2), { out: process.stdout, err: process.stderr }).then(
    (code) => process.exit(code),
    (error: Error) => {
      process.stderr.write(`jobs failed: ${error.message}\n`);
      process.exit(1);
    },
  );
}
