import type { ServiceBroker } from 'moleculer';

interface EndpointsView {
  getActionEndpoints(name: string): { hasLocal(): boolean } | undefined;
}

/**
 * The action has an endpoint on this node, so a call goes there (the registry prefers local
 * endpoints): the gateway then holds it to the request timeout with its shared deadlines instead
 * of Moleculer's per-call timer (see infra/broker/deadlines.ts).
 */
export function hostsAction(broker: ServiceBroker, action: string): boolean {
  return (broker.registry as unknown as EndpointsView).getActionEndpoints(action)?.hasLocal() ?? false;
}
