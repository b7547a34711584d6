import { execFile, spawnSync } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import { parseAllDocuments } from 'yaml';
import { ALL_SERVICES, loadConfig } from '../../config';
import { memoryEnv } from '../memory';

// Every overlay renders with `kubectl kustomize` (offline), and every object it renders passes
// the Kubernetes OpenAPI schema of its kind, as shipped compiled in the npm packages
// kubernetes-models (the core API) and @kubernetes-models/prometheus-operator (ServiceMonitor):
// nothing is downloaded. Those schemas check required fields, types and enums, not unknown
// fields, so the tests below also check how the objects fit together, and feed each pod's
// environment to the node's own config loader.
const run = promisify(execFile);
const OVERLAYS = ['laptop', 'production'];

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any;
  data?: Record<string, string>;
}

async function render(overlay: string): Promise<K8sObject[]> {
  const { stdout } = await run('kubectl', ['kustomize', path.join(__dirname, 'overlays', overlay)], { maxBuffer: 16 << 20 });
  return parseAllDocuments(stdout).map((doc) => doc.toJS() as K8sObject);
}

/** The model class of an object's kind: `kubernetes-models/<group>/<version>/<Kind>`. */
function modelOf(o: K8sObject): (new (data: object) => { validate(): void }) | undefined {
  const group = o.apiVersion.includes('/') ? o.apiVersion : `v1`;
  const pkg = o.apiVersion.startsWith('monitoring.coreos.com/') ? '@kubernetes-models/prometheus-operator' : 'kubernetes-models';
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(`${pkg}/${group}/${o.kind}`) as Record<string, new (data: object) => { validate(): void }>)[o.kind];
  } catch {
    return undefined;
  }
}

const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) => Object.entries(selector).every(([k, v]) => labels[k] === v);

// Without kubectl (no Debian package) these are reported as skipped, not passed.
const kubectlThere = spawnSync('kubectl', ['version', '--client']).status === 0;
const k8sTest = kubectlThere ? test : test.skip;
if (!kubectlThere) test.skip('the Kubernetes overlays (skipped: kubectl is not installed; its `kubectl kustomize` renders them)', () => undefined);

for (const overlay of OVERLAYS) {
  k8sTest(`${overlay}: every rendered object validates against its Kubernetes schema`, async (t) => {
    const objects = await render(overlay);
    t.true(objects.length > 10);
    for (const o of objects) {
      const Model = modelOf(o);
      t.truthy(Model, `${o.apiVersion} ${o.kind} has a schema`);
      if (!Model) continue;
      // kustomize folds a long base64 value over lines, which the API server's decoder skips; the schema's regex does not.
      const data = o.kind === 'Secret' ? Object.fromEntries(Object.entries(o.data ?? {}).map(([k, v]) => [k, v.replace(/\s/g, '')])) : o.data;
      t.notThrows(() => new Model({ ...o, data }).validate(), `${o.kind}/${o.metadata.name}`);
    }
  });

  k8sTest(`${overlay}: the objects fit together and every pod's environment passes the node's config`, async (t) => {
    const objects = await render(overlay);
    const of = (kind: string) => objects.filter((o) => o.kind === kind);
    const deployments = of('Deployment');
    const configMaps = new Map(of('ConfigMap').map((c) => [c.metadata.name, c.data ?? {}]));
    const secrets = new Set(of('Secret').map((s) => s.metadata.name));
    const hosted = new Set<string>();

    for (const d of deployments) {
      const name = d.metadata.name;
      const pod = d.spec.template;
      t.true(matches(d.spec.selector.matchLabels, pod.metadata.labels), `${name}: the selector matches its pods`);
      const [container] = pod.spec.containers;
      const ops = container.ports.find((p: { name: string }) => p.name === 'ops');
      t.is(ops?.containerPort, 9464, `${name}: an ops port`);
      t.like(container.readinessProbe, { httpGet: { path: '/ready', port: 'ops' } }, `${name}: readiness on /ready`);
      t.like(container.livenessProbe, { httpGet: { path: '/health', port: 'ops' } }, `${name}: liveness on /health`);

      // The environment the pod gets, as the node's config sees it (fieldRefs given sample values).
      const env: Record<string, string> = {};
      for (const from of container.envFrom) {
        if (from.configMapRef) {
          t.true(configMaps.has(from.configMapRef.name), `${name}: its ConfigMap ${from.configMapRef.name} is rendered`);
          Object.assign(env, configMaps.get(from.configMapRef.name));
        }
        if (from.secretRef) {
          t.is(from.secretRef.name, 'pocdojo-secrets');
          // By reference: the laptop overlay makes one; production expects it made outside the repository.
          t.is(secrets.has('pocdojo-secrets'), overlay === 'laptop', `${name}: the secret is ${overlay === 'laptop' ? 'generated' : 'referenced only'}`);
          Object.assign(env, { DATABASE_URL: 'postgres://u:p@db:5432/pocdojo', JWT_SECRET: 'x'.repeat(48), AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' });
        }
      }
      for (const e of container.env) env[e.name] = e.value ?? (e.valueFrom?.fieldRef?.fieldPath === 'status.hostIP' ? '10.0.0.7' : `${name}-pod`);
      t.is(env.OPS_PORT, '9464');
      t.is(env.OPS_HOST, '0.0.0.0', `${name}: probes and scrapes reach the operations port`);
      const config = loadConfig(env);
      config.services.forEach((s) => hosted.add(s));
      t.like(env, memoryEnv(config.services), `${name}: the memory settings of its role (deploy/memory.ts)`);
      if (config.services.includes('code-exec')) {
        // The sandbox makes namespaces and cgroups (root, privileged); such pods stay on their own tainted nodes, without the API's token.
        t.deepEqual(config.services, ['code-exec'], `${name}: the sandbox hosts nothing else`);
        t.true(pod.spec.containers[0].securityContext.privileged, `${name}: privileged for bubblewrap and cgroups`);
        t.like(pod.spec, { nodeSelector: { 'pocdojo.io/sandbox': 'true' }, automountServiceAccountToken: false }, `${name}: on sandbox nodes only`);
        t.true(
          pod.spec.tolerations.some((x: { key: string }) => x.key === 'pocdojo.io/sandbox'),
          `${name}: tolerates the sandbox nodes' taint`,
        );
      } else {
        t.true(pod.spec.securityContext.runAsNonRoot, `${name}: not root`);
      }
      if (config.services.includes('media')) {
        t.true(pod.spec.hostNetwork, `${name}: media on the node's network (its RTC ports)`);
        t.is(config.rtc.announcedIp, '10.0.0.7', `${name}: announces the node's address`);
      }
    }
    // Every actor runs somewhere; the yearly batch is the CronJob's.
    t.deepEqual([...hosted].sort(), ALL_SERVICES.filter((s) => s !== 'jobs').sort());
    const [cron] = of('CronJob');
    t.deepEqual(cron?.spec.jobTemplate.spec.template.spec.containers[0].command.slice(-3), ['jobs/cli.ts', 'yearly', '--json']);

    const byName = new Map(deployments.map((d) => [d.metadata.name, d]));
    for (const hpa of of('HorizontalPodAutoscaler')) t.true(byName.has(hpa.spec.scaleTargetRef.name), `HPA ${hpa.metadata.name} scales a rendered Deployment`);
    for (const pdb of of('PodDisruptionBudget'))
      t.true(
        deployments.some((d) => matches(pdb.spec.selector.matchLabels, d.spec.template.metadata.labels)),
        `PDB ${pdb.metadata.name} covers pods`,
      );
    const services = of('Service');
    for (const s of services)
      t.true(
        deployments.some((d) => matches(s.spec.selector, d.spec.template.metadata.labels)),
        `Service ${s.metadata.name} selects pods`,
      );
    // The ServiceMonitor finds a Service with an ops port for every Deployment.
    const [monitor] = of('ServiceMonitor');
    const scraped = services.filter((s) => matches(monitor?.spec.selector.matchLabels, s.metadata.labels) && s.spec.ports.some((p: { name: string }) => p.name === 'ops'));
    for (const d of deployments)
      t.true(
        scraped.some((s) => matches(s.spec.selector, d.spec.template.metadata.labels)),
        `${d.metadata.name} is scraped`,
      );
  });
}
