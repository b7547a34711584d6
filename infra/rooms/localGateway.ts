import type { ServiceBroker } from 'moleculer';

/** What a gateway on this node offers rooms on the same node: its `gateway.publish`, as a plain call. */
export interface LocalPublisher {
  publish(topic: string, seq: number | undefined, frame: string): number;
}

const publishers = new WeakMap<ServiceBroker, LocalPublisher>();

/**
 * A room's push to its own node's gateway skips the broker: `gateway.publish` through Moleculer
 * is a context, eight middlewares and three promises per push, for a frame the room built itself
 * (the action does not even parse a local call). The gateway registers here while it listens;
 * pushes to other nodes still go as calls.
 */
export function serveLocalPushes(broker: ServiceBroker, publisher: LocalPublisher | undefined): void {
  if (publisher) publishers.set(broker, publisher);
  else publishers.delete(broker);
}

export function localPublisher(broker: ServiceBroker): LocalPublisher | undefined {
  return publishers.get(broker);
}
