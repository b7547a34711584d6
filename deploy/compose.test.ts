import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { parse } from 'yaml';
import { ALL_SERVICES, loadConfig } from '../config';
import { memoryEnv } from './memory';

// No container engine runs on this machine (nor can a base image be pulled), so neither the
// image nor the compose cluster is built or started here. What can be checked without them is:
// the compose file's nodes start with the node's own config loader, publish what they serve,
// and are each scraped by the Prometheus config; the mounted files exist; the Dockerfile keeps
// the promises the deployment relies on.
const HERE = __dirname;

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: string[] | Record<string, unknown>;
}

async function compose(): Promise<Record<string, ComposeService>> {
  const file = parse(await readFile(path.join(HERE, 'compose.yaml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
  return file.services;
}

/** Compose's interpolation: ${VAR:-default} takes the default, ${VAR:?error} a value the operator must export. */
function interpolate(value: string): string {
  return String(value)
    .replace(/\$\{(\w+):-([^}]*)\}/g, (_, _name: string, fallback: string) => fallback)
    .replace(/\$\{(\w+):\?[^}]*\}/g, (_, name: string) => (name === 'JWT_SECRET' ? 'x'.repeat(48) : `exported-${name}`));
}

test('every pocdojo node of the compose cluster has a valid config, publishes what it serves and is scraped', async (t) => {
  const services = await compose();
  const prometheus = parse(await readFile(path.join(HERE, 'prometheus/prometheus.yml'), 'utf8')) as {
    scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
  };
  const targets = prometheus.scrape_configs.filter((c) => c.job_name === 'pocdojo').flatMap((c) => c.static_configs.flatMap((s) => s.targets));
  const nodes = Object.entries(services).filter(([, s]) => s.image === 'pocdojo:local');
  t.true(nodes.length >= 4, 'two gateways, a room+media node and a worker node');
  t.is(nodes.filter(([, s]) => s.build).length, 1, 'one of them builds the image the others share');
  const hosted = new Set<string>();
  const gateways: string[] = [];
  for (const [name, service] of nodes) {
    const env = Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, interpolate(v)]));
    const config = loadConfig(env);
    config.services.forEach((s) => hosted.add(s));
    t.is(env.NODE_OPTIONS, memoryEnv(config.services).NODE_OPTIONS, `${name}: the V8 heap cap of its role (deploy/memory.ts)`);
    t.is(config.nodeId, name, `${name}: NODE_ID is its service name`);
    t.is(config.ops.host, '0.0.0.0', `${name}: Prometheus reaches the operations port over the network`);
    t.true(targets.includes(`${name}:${config.ops.port}`), `${name}: scraped at ${name}:${config.ops.port}`);
    for (const dependency of ['nats', 'postgres', 'redis', 'minio']) t.truthy(services[dependency], `${dependency} is in the cluster`);
    t.is(new URL(config.transporter ?? '').hostname, 'nats');
    t.is(new URL(config.redisUrl ?? '').hostname, 'redis');
    t.is(new URL(config.databaseUrl ?? '').hostname, 'postgres');
    if (config.services.includes('gateway')) {
      gateways.push(name);
      t.true(
        (service.ports ?? []).some((p) => p.endsWith(`:${config.port}`)),
        `${name}: its PORT ${config.port} is published`,
      );
    }
    if (config.services.includes('media')) {
      t.is(config.rtc.listenIp, '0.0.0.0');
      const range = `${config.rtc.minPort}-${config.rtc.maxPort}`;
      t.true((service.ports ?? []).includes(`${range}:${range}/udp`), `${name}: its RTC range ${range} is published one to one`);
    }
  }
  t.is(gateways.length, 2);
  t.deepEqual([...hosted].sort(), [...ALL_SERVICES].sort(), 'every actor runs somewhere');
  t.deepEqual(targets.sort(), nodes.map(([name]) => `${name}:9464`).sort(), 'no scrape target without a node');
});

test('the compose cluster mounts files that exist, and Grafana finds its data sources and dashboards', async (t) => {
  const services = await compose();
  for (const [name, service] of Object.entries(services)) {
    for (const volume of service.volumes ?? []) {
      const [source] = volume.split(':');
      if (source?.startsWith('./')) t.true(existsSync(path.join(HERE, source)), `${name}: ${source} exists`);
    }
    const dependencies = Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {});
    for (const dependency of dependencies) t.truthy(services[dependency], `${name} depends on ${dependency}, which is defined`);
  }
  const datasources = parse(await readFile(path.join(HERE, 'grafana/provisioning/datasources/datasources.yaml'), 'utf8')) as { datasources: Array<{ type: string; url: string }> };
  for (const source of datasources.datasources) t.truthy(services[new URL(source.url).hostname], `${source.type} at a compose service`);
  const providers = parse(await readFile(path.join(HERE, 'grafana/provisioning/dashboards/dashboards.yaml'), 'utf8')) as { providers: Array<{ options: { path: string } }> };
  t.true(
    (services.grafana?.volumes ?? []).some((v) => v.startsWith('./grafana/dashboards:') && v.split(':')[1] === providers.providers[0]?.options.path),
    'the dashboards are mounted where the provider reads them',
  );
});

test('the Dockerfile: bookworm-slim stages, the project’s worker build, ffmpeg and bubblewrap, a non-root user, a health check on the ops port', async (t) => {
  const dockerfile = await readFile(path.join(HERE, 'Dockerfile'), 'utf8');
  const base = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)?.[1] ?? '';
  t.regex(base, /^node:20-bookworm-slim$/);
  const stages = [...dockerfile.matchAll(/^FROM (\S+) AS (\w+)$/gm)].map((m) => ({ image: m[1], name: m[2] }));
  t.deepEqual(
    stages.map((s) => s.name),
    ['worker', 'deps', 'console', 'runtime'],
  );
  t.true(
    stages.every((s) => s.image === '${NODE_IMAGE}'),
    'every stage on the one base',
  );
  t.regex(dockerfile, /bash media\/worker-build\/build-worker\.sh/);
  const bin = /MEDIASOUP_WORKER_BIN=(\S+)/.exec(dockerfile)?.[1];
  t.true(dockerfile.includes(`COPY --from=worker /out/mediasoup-worker ${bin}`), 'the worker is where MEDIASOUP_WORKER_BIN says');
  const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'));
  for (const pkg of ['ffmpeg', 'bubblewrap', 'fonts-dejavu-core', 'tini']) t.regex(runtime, new RegExp(`\\b${pkg}\\b`), `${pkg} in the runtime image`);
  t.regex(runtime, /^COPY --from=console \/app\/clients\/console\/dist clients\/console\/dist$/m, 'the console, built in its stage, is served by the image');
  t.regex(runtime, /^USER pocdojo$/m);
  t.regex(runtime, /^HEALTHCHECK [\s\S]*OPS_PORT[\s\S]*\/health/m);
  t.regex(runtime, /^CMD \["node", "--import", "tsx", "deploy\/start\.ts"\]$/m);
  // The compose nodes and the Kubernetes pods run the image as this user.
  t.regex(runtime, /useradd --uid 10001/);
  const dockerignore = await readFile(path.join(HERE, '../.dockerignore'), 'utf8');
  t.regex(dockerignore, /^node_modules$/m, 'node_modules are installed in the image, never copied in');
});
