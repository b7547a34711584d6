import type { ServiceBroker } from 'moleculer';
import type { Deadline, Deadlines } from '../infra/broker/deadlines';

interface EndpointsView {
  getActionEndpoints(name: string): { hasLocal(): boolean; getEndpointByNodeID(nodeID: string): unknown } | undefined;
}

export interface TimedCall {
  result: Promise<unknown>;
  /** Set for a call to a local action: settle it when the call ends (a then, not another promise). */
  deadline?: Deadline;
}

/**
 * Calls an action for a client, held to `timeoutMs`. An action on this node (the registry prefers
 * local endpoints) runs under the gateway's shared deadlines: Moleculer's per-call timer and
 * Promise.race were a fifth of a trivial call's cost; past the deadline `onTimeout` answers the
 * client and the late outcome must be dropped. A remote call keeps Moleculer's timeout, which
 * also frees the request the transit keeps pending.
 *
 * `preferNode` (a room's owner) gets the call while it serves the action; a node that is gone,
 * or whose circuit is open, gets none and the call is balanced as usual. A stale owner still
 * answers: it forwards to the room's new owner, one hop more.
 *
 * The broker never retries a client's call: the client answers a failure by retrying with its
 * own id, and a broker retry sent seconds later (a signal to a room whose node died) replayed
 * chat to everyone and held the client past its timeout, once per retry.
 */
export function timedCall(
  broker: ServiceBroker,
  deadlines: Deadlines,
  action: string,
  params: unknown,
  options: { timeoutMs: number; requestID?: string; meta: object; preferNode?: string },
  onTimeout: () => void,
): TimedCall {
  const endpoints = (broker.registry as unknown as EndpointsView).getActionEndpoints(action);
  const nodeID = options.preferNode && endpoints?.getEndpointByNodeID(options.preferNode) ? options.preferNode : undefined;
  const local = nodeID ? nodeID === broker.nodeID : (endpoints?.hasLocal() ?? false);
  const deadline = local ? deadlines.track(options.timeoutMs, onTimeout) : undefined;
  // With tracing on, the gateway's side of the call is the trace's root span (the request id is
  // the trace id), so the action's span on whichever node runs it is its child.
  const span = broker.isTracingEnabled() ? broker.tracer.startSpan(`call ${action}`, { traceID: options.requestID, type: 'gateway', tags: { action, nodeID: broker.nodeID } }) : undefined;
  const result = broker.call(action, params, {
    timeout: local ? 0 : options.timeoutMs,
    retries: 0,
    requestID: options.requestID,
    meta: options.meta,
    nodeID,
    ...(span ? { parentSpan: { id: span.id, traceID: span.traceID, sampled: span.sampled } } : {}),
  });
  if (span)
    result.then(
      () => span.finish(),
      (error: Error) => span.setError(error).finish(),
    );
  return { result, deadline };
}
