import { randomUUID } from 'node:crypto';
import type { Context, ServiceSchema } from 'moleculer';
import ApiGateway from 'moleculer-web';
import { loadConfig } from '../config';
import { z } from 'zod';
import { quietDependencyWarnings } from '../config/runtime';
import { startNode } from '../deploy/node';
import { Authenticator, RevocationList } from '../gateway/auth';
import { signAccessToken } from '../infra/auth/jwt';
import { zodParams } from '../infra/broker/zodValidator';
import type { RouteDef } from '../protocol/rest/route';
import { tempDataDir } from '../test/support/dirs';
import { freePort } from '../test/support/process';
import { httpLoad, loadRow, type LoadResult } from './lib/load';
import type { Row } from './lib/table';

const PATH = '/v1/bench/ping';

// The trivial authenticated JSON action both gateways call on the same broker.
const benchService: ServiceSchema = {
  name: 'bench',
  actions: {
    ping: {
      params: zodParams(z.object({})),
      handler: (ctx: Context<unknown, { auth?: { userId: string } }>) => ({ pong: true, userId: ctx.meta.auth?.userId }),
    },
  },
};

const route: RouteDef = { method: 'GET', path: PATH, auth: 'user', action: 'bench.ping', summary: 'bench', tag: 'bench' };

/** moleculer-web, the official Moleculer gateway, with the same token check as ours. */
function moleculerWeb(port: number, authenticator: Authenticator): ServiceSchema {
  return {
    name: 'moleculer-web',
    mixins: [ApiGateway as unknown as ServiceSchema],
    // Route management the bench does not use; their fastest-validator params would not pass
    // the node's zod validator (infra/broker/zodValidator.ts).
    actions: { listAliases: false, addRoute: false, removeRoute: false },
    settings: {
      port,
      ip: '127.0.0.1',
      logRequest: null,
      logResponse: null,
      routes: [{ path: '/v1/bench', authentication: true, aliases: { 'GET ping': 'bench.ping' }, mappingPolicy: 'restrict' }],
    },
    methods: {
      authenticate(ctx: Context<unknown, { auth?: unknown }>, _route: unknown, req: { headers: Record<string, string | undefined> }) {
        const result = authenticator.verifyHeader(req.headers.authorization ?? '');
        if (!result.ok) throw new ApiGateway.Errors.UnAuthorizedError(ApiGateway.Errors.ERR_INVALID_TOKEN, null);
        ctx.meta.auth = result.auth;
        return result.auth;
      },
    },
  };
}

/** Gateway vs moleculer-web on the same broker and action (issue 2). */
export async function run(options: { durationSeconds?: number } = {}): Promise<Row[]> {
  quietDependencyWarnings();
  const dataDir = await tempDataDir();
  const webPort = await freePort();
  let authenticator: Authenticator | undefined;
  const node = await startNode(loadConfig({ PORT: '0', OPS_PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir.path, SERVICES: 'gateway', LOG_LEVEL: 'warn', NAMESPACE: `bench-${process.pid}` }), {
    routes: [route],
    services: [
      () => benchService,
      (infra) => {
        authenticator = new Authenticator(infra.jwtSecret, new RevocationList());
        return moleculerWeb(webPort, authenticator);
      },
    ],
  });
  try {
    const token = signAccessToken({ sub: randomUUID(), tid: randomUUID(), role: 'member', sid: randomUUID() }, node.infra.jwtSecret, 3600);
    const headers = { authorization: `Bearer ${token}` };
    const duration = options.durationSeconds ?? 8;
    const ours = `http://127.0.0.1:${node.port}${PATH}`;
    const theirs = `http://127.0.0.1:${webPort}${PATH}`;
    // Warm both (JIT, connection pools), then measure each twice, alternating, and keep the better run.
    await httpLoad({ url: ours, headers, durationSeconds: 2 });
    await httpLoad({ url: theirs, headers, durationSeconds: 2 });
    const best = (a: LoadResult, b: LoadResult) => (a.requestsPerSecond >= b.requestsPerSecond ? a : b);
    const web1 = await httpLoad({ url: theirs, headers, durationSeconds: duration });
    const uws1 = await httpLoad({ url: ours, headers, durationSeconds: duration });
    const web2 = await httpLoad({ url: theirs, headers, durationSeconds: duration });
    const uws2 = await httpLoad({ url: ours, headers, durationSeconds: duration });
    const web = best(web1, web2);
    const uws = best(uws1, uws2);
    return [loadRow({ gateway: 'moleculer-web 0.10 (baseline)' }, web), loadRow({ gateway: 'pocdojo uWebSockets.js' }, uws, web)];
  } finally {
    await node.stop();
    await dataDir.remove();
  }
}
