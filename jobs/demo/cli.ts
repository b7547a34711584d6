import path from 'node:path';
import { ConfigError, loadConfig } from '../../config';
import { slug } from '../../protocol/rest/tenant';
import { ApiClient, ApiError } from './api';
import { DEFAULT_SLUG } from './dataset';
import { DemoError, DemoSeed } from './DemoSeed';
import { MailNotFoundError, Outbox } from './outbox';
import { report } from './report';

export const USAGE = `usage: npm run demo -- [--url URL] [--outbox DIR] [--slug SLUG]

  Seeds a demo tenant on a running node through its REST API: an admin who facilitates a
  scheduled dojo, four members, 50 POCs. Running it again changes nothing.

  --url     the node (default: http://127.0.0.1:$PORT, PORT as for npm start, else 8080)
  --outbox  where the node writes mail, to confirm the accounts (default: $DATA_DIR/outbox, DATA_DIR as for npm start)
  --slug    the demo tenant's slug (default: ${DEFAULT_SLUG})`;

interface Writer {
  write(text: string): unknown;
}

interface DemoArgs {
  url?: string;
  outbox?: string;
  slug: string;
}

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): DemoArgs {
  const args: DemoArgs = { slug: DEFAULT_SLUG };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = (argv[i] ?? '').split(/=(.*)/s, 2) as [string, string | undefined];
    if (!['--url', '--outbox', '--slug'].includes(flag)) throw new UsageError(`unknown option "${flag}"`);
    const value = inline ?? argv[++i];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    if (flag === '--url') {
      if (!/^https?:\/\/[^/]/.test(value)) throw new UsageError(`--url must be an http(s) URL, got "${value}"`);
      args.url = value;
    } else if (flag === '--outbox') args.outbox = value;
    else {
      // The contract's own rule, so a bad slug is refused here rather than as a 422 midway.
      const checked = slug.safeParse(value);
      if (!checked.success) throw new UsageError(`--slug "${value}": ${checked.error.issues[0]?.message}`);
      args.slug = value;
    }
  }
  return args;
}

/** `npm run demo`: returns the exit code; the report goes to `out`, problems to `err`. */
export async function runDemo(argv: readonly string[], ui: { out: Writer; err: Writer }): Promise<number> {
  let args: DemoArgs;
  let url: string;
  let outbox: string;
  try {
    args = parseArgs(argv);
    // Only read when a default is needed: the same settings as `npm start` point at its node.
    const config = args.url && args.outbox ? undefined : loadConfig();
    url = args.url ?? `http://127.0.0.1:${config!.port}`;
    outbox = args.outbox ?? path.join(config!.dataDir, 'outbox');
  } catch (error) {
    if (!(error instanceof UsageError) && !(error instanceof ConfigError)) throw error;
    ui.err.write(`${error.message}\n${error instanceof UsageError ? `${USAGE}\n` : ''}`);
    return 2;
  }
  try {
    const result = await new DemoSeed(new ApiClient(url), new Outbox(outbox), args.slug).run();
    ui.out.write(report(url.replace(/\/+$/, ''), result));
    return 0;
  } catch (error) {
    if (!(error instanceof DemoError) && !(error instanceof ApiError) && !(error instanceof MailNotFoundError)) throw error;
    ui.err.write(`demo: ${error.message}\n`);
    return 1;
  }
}

if (require.main === module) {
  runDemo(process.argv.slice(2), { out: process.stdout, err: process.stderr }).then(
    (code) => process.exit(code),
    (error: Error) => {
      process.stderr.write(`demo failed: ${error.stack ?? error.message}\n`);
      process.exit(1);
    },
  );
}
