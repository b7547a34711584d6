import { FIRST_YEAR } from '../protocol/rest/render';

export interface YearlyArgs {
  command: 'yearly';
  year: number;
  tenant?: string;
  dryRun: boolean;
  wait: boolean;
  json: boolean;
}

/** `retry --failed` and `dead-letters [--replay]`: failed render jobs, listed or queued again. */
export interface FailedArgs {
  command: 'retry' | 'dead-letters';
  kind?: 'video' | 'report';
  tenant?: string;
  replay: boolean;
  limit: number;
  json: boolean;
}

export type CliArgs = YearlyArgs | FailedArgs;

export const USAGE = `usage: npm run jobs -- yearly [--year YYYY] [--tenant SLUG] [--dry-run] [--wait] [--json]
       npm run jobs -- retry --failed [--kind video|report] [--tenant SLUG] [--limit N] [--json]
       npm run jobs -- dead-letters [--kind video|report] [--tenant SLUG] [--limit N] [--replay] [--json]
       npm run jobs -- tenant suspend|reactivate --tenant SLUG [--json]

  yearly      queue one video per active user and one annual report per active tenant
  --year      the year to render (default: the previous one)
  --tenant    only this tenant (by slug)
  --dry-run   count what would be queued; change nothing
  --wait      stay until every job of the year has finished, with a progress bar
  --json      print the summary as JSON

  retry --failed  queue the FAILED jobs again, attempts reset (the yearly batch skips them)
  dead-letters    list the jobs that failed for good (newest first); --replay queues them again
  --kind          only videos or only reports
  --limit         at most this many jobs (default 100, at most 10000)`;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Walks `--flag value`, `--flag=value` and bare flags, handing each to `on` (true: it was the
 * command's own); `--tenant` and `--json`, which every command takes, are set on `args` here.
 */
function eachFlag(rest: readonly string[], args: { tenant?: string; json: boolean }, on: (flag: string, value: () => string) => boolean): void {
  for (let i = 0; i < rest.length; i++) {
    const [flag, inline] = (rest[i] ?? '').split(/=(.*)/s, 2) as [string, string | undefined];
    const value = () => {
      const v = inline ?? rest[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (on(flag, value)) continue;
    if (flag === '--tenant') args.tenant = slug(value());
    else if (flag === '--json') args.json = true;
    else throw new UsageError(`unknown option "${flag}"`);
  }
}

function slug(v: string): string {
  if (!/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i.test(v) || v.length > 40) throw new UsageError(`--tenant must be a tenant slug, got "${v}"`);
  return v;
}

/** Parses the CLI's arguments; throws UsageError with a message naming the bad one. */
export function parseArgs(argv: readonly string[], now = new Date()): CliArgs {
  const [command, ...rest] = argv;
  if (command === 'retry' || command === 'dead-letters') return parseFailed(command, rest);
  if (command !== 'yearly') throw new UsageError(command ? `unknown command "${command}"` : 'a command is required');
  const args: YearlyArgs = { command, year: now.getUTCFullYear() - 1, dryRun: false, wait: false, json: false };
  eachFlag(rest, args, (flag, value) => {
    switch (flag) {
      case '--year': {
        const v = value();
        const year = Number(v);
        if (!/^\d{4}$/.test(v) || year < FIRST_YEAR || year > now.getUTCFullYear()) throw new UsageError(`--year must be a year from ${FIRST_YEAR} to ${now.getUTCFullYear()}, got "${v}"`);
        args.year = year;
        return true;
      }
      case '--dry-run':
        args.dryRun = true;
        return true;
      case '--wait':
        args.wait = true;
        return true;
      default:
        return false;
    }
  });
  return args;
}

function parseFailed(command: FailedArgs['command'], rest: readonly string[]): FailedArgs {
  const args: FailedArgs = { command, replay: false, limit: 100, json: false };
  let failed = false;
  eachFlag(rest, args, (flag, value) => {
    switch (flag) {
      case '--failed':
        if (command !== 'retry') throw new UsageError('--failed belongs to retry');
        failed = true;
        return true;
      case '--replay':
        if (command !== 'dead-letters') throw new UsageError('--replay belongs to dead-letters');
        args.replay = true;
        return true;
      case '--kind': {
        const v = value();
        if (v !== 'video' && v !== 'report') throw new UsageError(`--kind must be video or report, got "${v}"`);
        args.kind = v;
        return true;
      }
      case '--limit': {
        const v = value();
        if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 10_000) throw new UsageError(`--limit must be a whole number from 1 to 10000, got "${v}"`);
        args.limit = Number(v);
        return true;
      }
      default:
        return false;
    }
  });
  // Said out loud, so a bare `retry` can never requeue by accident what someone meant to inspect.
  if (command === 'retry' && !failed) throw new UsageError('retry needs --failed (the jobs it queues again)');
  return args;
}
