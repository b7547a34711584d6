import { ServiceBroker, type ServiceSchema } from 'moleculer';
import pino from 'pino';
import type { Config } from '../config';
import { startInfrastructure, type Infrastructure } from '../infra/infrastructure';
import type { Logger } from '../infra/logger';
import { createBrokerOptions } from '../moleculer.config';
import { UsageError } from './args';
import type { Writer } from './ProgressBar';

export const TENANT_USAGE = `usage: npm run jobs -- tenant suspend|reactivate --tenant SLUG [--json]

  suspend     the tenant's people can no longer log in; every open session ends at once
  reactivate  they can log in again (sessions ended by the suspension stay ended)
  --tenant    the tenant, by slug
  --json      print the outcome as JSON`;

export interface TenantArgs {
  action: 'suspend' | 'reactivate';
  tenant: string;
  json: boolean;
}

/** How long the CLI waits to discover a tenant node on NATS. */
const TENANT_DISCOVERY_MS = 10_000;

export function parseTenantArgs(argv: readonly string[]): TenantArgs {
  const [action, ...rest] = argv;
  if (action !== 'suspend' && action !== 'reactivate') throw new UsageError(action ? `unknown tenant action "${action}"` : 'tenant needs an action: suspend or reactivate');
  let tenant: string | undefined;
  let json = false;
  for (let i = 0; i < rest.length; i++) {
    const [flag, inline] = (rest[i] ?? '').split(/=(.*)/s, 2) as [string, string | undefined];
    if (flag === '--json') json = true;
    else if (flag === '--tenant') {
      const v = inline ?? rest[++i];
      if (!v || !/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i.test(v) || v.length > 40) throw new UsageError(`--tenant must be a tenant slug, got "${v ?? ''}"`);
      tenant = v;
    } else throw new UsageError(`unknown option "${flag}"`);
  }
  if (!tenant) throw new UsageError('--tenant is required');
  return { action, tenant, json };
}

interface Outcome {
  tenant_id: string;
  status: 'ACTIVE' | 'SUSPENDED';
  changed: boolean;
  sessions_ended: number;
}

/** The tenant actor to host here when no cluster can be reached; deploy/ hands it in (jobs/ stands above the actors and imports none). */
export type LocalTenantActor = (infra: Infrastructure) => ServiceSchema;

/**
 * Suspends or reactivates a tenant through the tenant actor's action, as platform operators do.
 * On NATS the running tenant nodes serve it, and the revocations reach every gateway. On
 * embedded defaults nothing running can be reached, so this process hosts the tenant actor on
 * the same database: logins and refreshes are refused at once, and a node's open sockets close
 * when their access token expires (15 minutes at most) or the node restarts.
 */
export async function runTenantCommand(args: TenantArgs, config: Config, logger: Logger, ui: { out: Writer; err: Writer }, localActor?: LocalTenantActor): Promise<number> {
  const clustered = Boolean(config.transporter);
  if (!clustered && !localActor) {
    ui.err.write('no cluster to reach (TRANSPORTER is not set): run it as `npm run jobs`, which hosts the tenant actor on embedded defaults\n');
    return 2;
  }
  const infra = clustered ? undefined : await startInfrastructure(config, { database: true, objectStore: true }, logger);
  const options = createBrokerOptions({ ...config, logLevel: 'warn', nodeId: `${config.nodeId}-jobs-cli` });
  // stdout carries the outcome: the broker's log goes to stderr.
  const broker = new ServiceBroker({ ...options, logger: { type: 'Pino', options: { level: 'warn', pino: { options: { level: 'warn' }, destination: pino.destination(2) } } } });
  if (infra && localActor) broker.createService(localActor(infra));
  try {
    await broker.start();
    await broker.waitForServices('tenant', TENANT_DISCOVERY_MS);
    const outcome = await broker.call<Outcome, { slug: string; status: 'A' | 'S' }>('tenant.setTenantStatus', { slug: args.tenant, status: args.action === 'suspend' ? 'S' : 'A' });
    ui.out.write(
      args.json ? `${JSON.stringify(outcome)}\n` : `${args.tenant}: ${outcome.status.toLowerCase()}${outcome.changed ? '' : ' (it already was)'}; ${outcome.sessions_ended} session(s) ended\n`,
    );
    return 0;
  } catch (error) {
    if ((error as { type?: string }).type !== 'NOT_FOUND') throw error;
    ui.err.write(`no tenant with slug "${args.tenant}"\n`);
    return 1;
  } finally {
    await broker.stop();
    await infra?.stop();
  }
}
