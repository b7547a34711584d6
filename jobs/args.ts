import { FIRST_YEAR } from '../protocol/rest/render';

export interface YearlyArgs {
  command: 'yearly';
  year: number;
  tenant?: string;
  dryRun: boolean;
  wait: boolean;
  json: boolean;
}

export const USAGE = `usage: npm run jobs -- yearly [--year YYYY] [--tenant SLUG] [--dry-run] [--wait] [--json]
       npm run jobs -- tenant suspend|reactivate --tenant SLUG [--json]

  yearly      queue one video per active user and one annual report per active tenant
  --year      the year to render (default: the previous one)
  --tenant    only this tenant (by slug)
  --dry-run   count what would be queued; change nothing
  --wait      stay until every job of the year has finished, with a progress bar
  --json      print the summary as JSON`;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Parses the CLI's arguments; throws UsageError with a message naming the bad one. */
export function parseArgs(argv: readonly string[], now = new Date()): YearlyArgs {
  const [command, ...rest] = argv;
  if (command !== 'yearly') throw new UsageError(command ? `unknown command "${command}"` : 'a command is required');
  const args: YearlyArgs = { command, year: now.getUTCFullYear() - 1, dryRun: false, wait: false, json: false };
  for (let i = 0; i < rest.length; i++) {
    const [flag, inline] = (rest[i] ?? '').split(/=(.*)/s, 2) as [string, string | undefined];
    const value = () => {
      const v = inline ?? rest[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--year': {
        const v = value();
        const year = Number(v);
        if (!/^\d{4}$/.test(v) || year < FIRST_YEAR || year > now.getUTCFullYear()) throw new UsageError(`--year must be a year from ${FIRST_YEAR} to ${now.getUTCFullYear()}, got "${v}"`);
        args.year = year;
        break;
      }
      case '--tenant': {
        const v = value();
        if (!/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i.test(v) || v.length > 40) throw new UsageError(`--tenant must be a tenant slug, got "${v}"`);
        args.tenant = v;
        break;
      }
      case '--dry-run':
        args.dryRun = true;
        break;
      case '--wait':
        args.wait = true;
        break;
      case '--json':
        args.json = true;
        break;
      default:
        throw new UsageError(`unknown option "${flag}"`);
    }
  }
  return args;
}
