import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import { parse } from 'yaml';
import { createTenant } from '../test/support/accounts';
import { families, scrape } from '../test/support/metrics';
import { startTestNode } from '../test/support/node';

// The dashboards and alert rules as code (deploy/grafana, deploy/prometheus): the rules pass
// promtool, and every metric any query names is one a live node really exports.
const run = promisify(execFile);
const HERE = __dirname;
const RULES = path.join(HERE, 'prometheus/alerts.yml');
const DASHBOARDS = path.join(HERE, 'grafana/dashboards');

// CI installs Debian's prometheus package (.ci/run): there a missing promtool is a failure;
// elsewhere the check is reported as skipped, not passed.
const promtoolThere = spawnSync('promtool', ['--version']).status === 0;
const promtoolTest = promtoolThere || process.env.CI ? test : test.skip;

promtoolTest('the alert rules and the compose Prometheus config pass promtool, and the rules their unit tests', async (t) => {
  if (!promtoolThere) {
    t.fail('promtool is missing: install Debian\'s "prometheus" package (.ci/run does)');
    return;
  }
  const rules = await run('promtool', ['check', 'rules', RULES]);
  t.regex(rules.stdout, /SUCCESS: \d+ rules found/);
  // The rules' own unit tests: they fire on the series that should fire them, and only then.
  const unit = await run('promtool', ['test', 'rules', path.join(HERE, 'prometheus/alerts.test.yml')]);
  t.regex(unit.stdout + unit.stderr, /SUCCESS/);
  // The config names the rules where the container mounts them: check a copy that points here.
  const dir = await mkdtemp(path.join(os.tmpdir(), 'promcfg-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const config = (await readFile(path.join(HERE, 'prometheus/prometheus.yml'), 'utf8')).replace('/etc/prometheus/alerts.yml', RULES);
  await writeFile(path.join(dir, 'prometheus.yml'), config);
  const checked = await run('promtool', ['check', 'config', path.join(dir, 'prometheus.yml')]);
  t.regex(checked.stdout + checked.stderr, /SUCCESS/);
});

/** Every `pocdojo_*` metric name a PromQL expression names. */
function namesIn(expr: string): string[] {
  return [...expr.matchAll(/\b(pocdojo_[a-z0-9_]+)\b/g)].map((m) => m[1] as string);
}

/** The family a sample name belongs to: a histogram's _bucket/_sum/_count are its own family's. */
function familyOf(name: string, exported: Map<string, string>): string | undefined {
  if (exported.has(name)) return name;
  const base = name.replace(/_(bucket|sum|count)$/, '');
  return exported.get(base) === 'histogram' || exported.get(base) === 'summary' ? base : undefined;
}

test('every metric the dashboards and alert rules query is exported by a live node', async (t) => {
  t.timeout(120_000);
  // Every service on one node, so every actor's metrics are registered; a little traffic on top.
  const app = await startTestNode({ env: { MEDIASOUP_WORKERS: '1' } });
  t.teardown(() => app.stop());
  const tenant = await createTenant(app);
  await fetch(`${app.url}/v1/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenant: tenant.slug, username: 'nobody', password: 'Nope-12345' }) });
  const exported = families(await scrape(app.opsUrl));

  const queries: Array<{ where: string; expr: string }> = [];
  for (const file of (await readdir(DASHBOARDS)).filter((f) => f.endsWith('.json'))) {
    const dashboard = JSON.parse(await readFile(path.join(DASHBOARDS, file), 'utf8')) as { uid: string; panels: Array<{ title: string; targets: Array<{ expr: string }> }> };
    t.truthy(dashboard.uid, `${file} has a uid`);
    t.true(dashboard.panels.length > 0, `${file} has panels`);
    for (const panel of dashboard.panels) {
      t.true(panel.targets.length > 0, `${file}: "${panel.title}" has a query`);
      for (const target of panel.targets) queries.push({ where: `${file}: "${panel.title}"`, expr: target.expr });
    }
  }
  const rules = parse(await readFile(RULES, 'utf8')) as { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> };
  for (const rule of rules.groups.flatMap((g) => g.rules)) queries.push({ where: `alert ${rule.alert}`, expr: rule.expr });

  const missing = queries.flatMap(({ where, expr }) =>
    namesIn(expr)
      .filter((name) => !familyOf(name, exported))
      .map((name) => `${where}: ${name}`),
  );
  t.deepEqual(missing, [], 'metrics queried but not exported');
  // Each dashboard and the rules name at least one of the node's metrics (no query left empty by a typo).
  t.true(queries.every(({ expr }) => namesIn(expr).length > 0 || /\bup\b/.test(expr)));
  t.log(`${queries.length} queries checked against ${exported.size} exported families`);
});
