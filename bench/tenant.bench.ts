import type { Context, ServiceSchema } from 'moleculer';
import { z } from 'zod';
import { OWASP_SCRYPT, Passwords, type ScryptParams } from '../actors/tenant/Passwords';
import { quietDependencyWarnings } from '../config/runtime';
import { zodParams } from '../infra/broker/zodValidator';
import type { RouteDef } from '../protocol/rest/route';
import { createTenant } from '../test/support/accounts';
import { startTestNode } from '../test/support/node';
import { httpLoad, loadRow } from './lib/load';
import type { Row } from './lib/table';

const query = z.object({ user_id: z.uuid(), cache: z.enum(['on', 'off']) });

// The same tenant.getUser call with Moleculer's cache switched off per call ($cache: false), so
// cached and uncached differ in nothing but the cache.
const proxy: ServiceSchema = {
  name: 'benchUser',
  actions: {
    get: {
      params: zodParams(query),
      handler(ctx: Context<{ user_id: string; cache: 'on' | 'off' }, Record<string, unknown>>) {
        return ctx.call('tenant.getUser', { user_id: ctx.params.user_id }, { meta: { ...ctx.meta, $cache: ctx.params.cache === 'on' } });
      },
    },
  },
};

const route: RouteDef = {
  method: 'GET',
  path: '/v1/bench/user',
  auth: 'user',
  action: 'benchUser.get',
  summary: 'bench',
  tag: 'bench',
  query,
};

/** Sequential verifications on one core (one hashing thread at a time). */
async function hashesPerSecond(params: ScryptParams, seconds: number): Promise<number> {
  const passwords = new Passwords(params);
  const hash = await passwords.hash('correct horse battery staple');
  const started = process.hrtime.bigint();
  let count = 0;
  while (Number(process.hrtime.bigint() - started) / 1e9 < seconds) {
    await passwords.verify('correct horse battery staple', hash);
    count++;
  }
  return count / (Number(process.hrtime.bigint() - started) / 1e9);
}

function hashRow(name: string, params: ScryptParams, perSecond: number, baseline: number): Row {
  return {
    measure: name,
    load: `scrypt N=2^${Math.log2(params.N)} r=${params.r} p=${params.p}`,
    'hashes/s (1 core)': perSecond,
    'ms per login': 1000 / perSecond,
    'x baseline': perSecond / baseline,
  };
}

/** GET /v1/user through the gateway, cached vs uncached; login hashing cost (issue 3). */
export async function run(options: { durationSeconds?: number } = {}): Promise<Row[]> {
  quietDependencyWarnings();
  const duration = options.durationSeconds ?? 6;
  const app = await startTestNode({ services: ['gateway', 'tenant'], routes: [route], extraServices: [() => proxy] });
  try {
    const tenant = await createTenant(app, { members: 1 });
    const member = tenant.members[0]!;
    const headers = { authorization: `Bearer ${tenant.admin.token}` };
    const direct = `${app.url}/v1/user?user_id=${member.userId}`;
    const via = (cache: 'on' | 'off') => `${app.url}/v1/bench/user?user_id=${member.userId}&cache=${cache}`;
    // Warm the JIT, the pools and the cache first.
    for (const url of [direct, via('on'), via('off')]) await httpLoad({ url, headers, durationSeconds: 2 });
    const uncached = await httpLoad({ url: via('off'), headers, durationSeconds: duration });
    const cached = await httpLoad({ url: via('on'), headers, durationSeconds: duration });
    const real = await httpLoad({ url: direct, headers, durationSeconds: duration });
    const owasp17 = { N: 2 ** 17, r: 8, p: 1 };
    const baseline = await hashesPerSecond(owasp17, 3);
    const chosen = await hashesPerSecond(OWASP_SCRYPT, 3);
    return [
      loadRow({ measure: 'GET /v1/user uncached ($cache: false) (baseline)' }, uncached),
      loadRow({ measure: 'GET /v1/user cached (same proxy)' }, cached, uncached),
      loadRow({ measure: 'GET /v1/user cached (the real route)' }, real, uncached),
      hashRow('login hash, OWASP first row (baseline)', owasp17, baseline, baseline),
      hashRow('login hash, chosen OWASP row', OWASP_SCRYPT, chosen, baseline),
    ];
  } finally {
    await app.stop();
  }
}
