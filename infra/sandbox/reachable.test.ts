import test from 'ava';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { reachable } from './reachable';

// The sandbox's bwrap runs as an unprivileged uid: a file it binds from a checkout under a
// directory only root can enter must be handed to it from somewhere it can reach.

test('a file others can read is bound where it is; one behind a private directory is copied where they can, once', (t) => {
  const open = mkdtempSync(path.join(os.tmpdir(), 'reach-open-'));
  const closed = mkdtempSync(path.join(os.tmpdir(), 'reach-closed-'));
  t.teardown(() => [open, closed].forEach((d) => rmSync(d, { recursive: true, force: true })));
  chmodSync(open, 0o755);
  const visible = path.join(open, 'runner.cjs');
  writeFileSync(visible, 'console.log(1)', { mode: 0o644 });
  t.is(reachable(visible), visible);

  chmodSync(closed, 0o700);
  const hidden = path.join(closed, 'esbuild');
  writeFileSync(hidden, 'binary', { mode: 0o755 });
  const copy = reachable(hidden);
  t.not(copy, hidden);
  t.is(readFileSync(copy, 'utf8'), 'binary');
  t.is(statSync(copy).mode & 0o777, 0o755, 'executable and readable by everyone');
  t.is(statSync(path.dirname(copy)).mode & 0o777, 0o755);
  t.is(reachable(hidden), copy, 'copied once');
});
