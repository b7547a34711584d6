import test from 'ava';
import { parseArgs, UsageError } from './args';

const NOW = new Date(Date.UTC(2026, 5, 1));

test('yearly defaults to the previous year and reads every flag', (t) => {
  t.like(parseArgs(['yearly'], NOW), { command: 'yearly', year: 2025, dryRun: false, wait: false });
  t.like(parseArgs(['yearly', '--year', '2024', '--tenant', 'acme', '--dry-run', '--wait', '--json'], NOW), { year: 2024, tenant: 'acme', dryRun: true, wait: true, json: true });
  t.like(parseArgs(['yearly', '--year=2026'], NOW), { year: 2026 });
});

for (const argv of [[], ['monthly'], ['yearly', '--year'], ['yearly', '--year', '2027'], ['yearly', '--year', '99'], ['yearly', '--tenant', 'Not a slug'], ['yearly', '--force']]) {
  test(`refuses ${JSON.stringify(argv)} with a usage error`, (t) => {
    t.throws(() => parseArgs(argv, NOW), { instanceOf: UsageError });
  });
}
