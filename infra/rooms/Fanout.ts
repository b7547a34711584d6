import type { ServiceBroker } from 'moleculer';
import type { Logger } from '../logger';
import type { PushPayloads } from '../../protocol/push';
import { localPublisher } from './localGateway';
import type { RoomKitMetrics } from './types';

// seq = epoch * 2^32 + n: it keeps rising when the room is re-activated (the epoch grows), so
// a gateway's replay buffer never mistakes a new activation's pushes for old ones.
const EPOCH_SPAN = 2 ** 32;

/**
 * A room's outgoing pushes: one `gateway.publish` per gateway node that holds members, which
 * reaches all its sockets through uWS's native topic. Pushes that clients must not miss carry
 * the room's `seq` (the gateway keeps them for session.resume); ephemeral ones (cursors) do not.
 * `P` maps each push method to its data (protocol/push.ts by default), so a wrong payload fails
 * the build; nothing is checked at run time.
 */
export class RoomFanout<P extends object = PushPayloads> {
  #n = 0;

  constructor(
    readonly broker: ServiceBroker,
    readonly topic: string,
    readonly epoch: number,
    readonly metrics: Pick<RoomKitMetrics, 'fanout'>,
    readonly logger: Logger,
    /**
     * The room's id, sent as the frame's `room`: a session in several rooms (a participant in a
     * kata's breakout room and its dojo, a visiting facilitator) tells them apart by it, and keeps
     * each room's last seq for session.resume (lastSeqs).
     */
    readonly room?: string,
  ) {}

  /** The seq of the last push so far (what a client that saw everything has). */
  get seq(): number {
    return this.epoch * EPOCH_SPAN + this.#n;
  }

  /** A push every member must get, in order, replayable; returns its seq. */
  push<M extends keyof P & string>(method: M, data: P[M], nodes: Iterable<string>): number {
    this.#n++;
    const seq = this.seq;
    this.#publish(JSON.stringify({ method, data, seq, room: this.room }), seq, nodes);
    return seq;
  }

  /** A push whose loss does not matter (awareness): not kept for replay. */
  ephemeral<M extends keyof P & string>(method: M, data: P[M], nodes: Iterable<string>): void {
    this.#publish(JSON.stringify({ method, data, room: this.room }), undefined, nodes);
  }

  /**
   * A push to some sessions only (kick, room closed); with `unsubscribe` they leave this room's
   * topic (the gateway drops only this room from sessions that are in several).
   */
  toSessions<M extends keyof P & string>(method: M, data: P[M], sessionsByNode: Map<string, string[]>, unsubscribe = false): Promise<number> {
    const frame = JSON.stringify({ method, data, room: this.room });
    const calls = [...sessionsByNode].map(([nodeID, sessionIds]) =>
      this.broker
        .call<{ delivered: number }, object>('gateway.sendToSessions', { sessionIds, frame, unsubscribe, topic: this.topic }, { nodeID, retries: 0 })
        .then((r) => r.delivered)
        .catch((err: unknown) => {
          this.logger.warn({ err, nodeID, topic: this.topic }, 'push to sessions failed');
          return 0;
        }),
    );
    return Promise.all(calls).then((counts) => counts.reduce((a, b) => a + b, 0));
  }

  #publish(frame: string, seq: number | undefined, nodes: Iterable<string>): void {
    const started = process.hrtime.bigint();
    for (const nodeID of nodes) {
      if (nodeID === this.broker.nodeID) {
        const local = localPublisher(this.broker);
        if (local) {
          // In order as well: the frame is on its sockets before the turn goes on.
          local.publish(this.topic, seq, frame);
          this.metrics.fanout(Number(process.hrtime.bigint() - started) / 1e9);
          continue;
        }
      }
      // A gateway that died takes its sockets with it; its members leave on $node.disconnected.
      if (!this.broker.registry.nodes.get(nodeID)?.available) continue;
      // Not awaited: the room's turn ends at once. Calls to one node leave in order, and the
      // gateway handles them in arrival order, so each node sees the pushes in seq order.
      this.broker.call('gateway.publish', { topic: this.topic, seq, frame }, { nodeID, retries: 0 }).then(
        () => this.metrics.fanout(Number(process.hrtime.bigint() - started) / 1e9),
        (err: unknown) => this.logger.warn({ err, nodeID, topic: this.topic }, 'room push failed'),
      );
    }
  }
}
