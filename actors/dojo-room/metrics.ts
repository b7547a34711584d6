import type { ServiceBroker } from 'moleculer';

const ROOMS = 'pocdojo.dojo.rooms.active';
const PARTICIPANTS = 'pocdojo.dojo.participants';
const MESSAGES = 'pocdojo.dojo.messages';
const FANOUT = 'pocdojo.dojo.fanout.seconds';
const ACTIVATIONS = 'pocdojo.dojo.activations';
const FORWARDS = 'pocdojo.dojo.forwards';
const REPLAY_HITS = 'pocdojo.dojo.replay.hits';

/**
 * Room metrics in Moleculer's registry (GET /metrics on a node with a gateway). Messages are a
 * counter: Prometheus' rate() gives messages per second.
 */
export class RoomMetrics {
  constructor(readonly broker: ServiceBroker) {
    const m = broker.metrics;
    if (m.hasMetric(ROOMS)) return;
    m.register({ type: 'gauge', name: ROOMS, description: 'Rooms active on this node' });
    m.register({ type: 'gauge', name: PARTICIPANTS, description: 'Participants present in the rooms of this node' });
    m.register({ type: 'counter', name: MESSAGES, labelNames: ['kind'], description: 'Room messages handled (chat, code, awareness, ...)' });
    m.register({
      type: 'histogram',
      name: FANOUT,
      buckets: [0.0005, 0.001, 0.002, 0.003, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
      description: 'From a room push to the gateway node confirming its topic publish',
    });
    m.register({ type: 'counter', name: ACTIVATIONS, labelNames: ['outcome'], description: 'Room activations on this node' });
    m.register({ type: 'counter', name: FORWARDS, labelNames: ['outcome'], description: 'Calls forwarded to the node that holds the room' });
    m.register({ type: 'counter', name: REPLAY_HITS, description: 'Room sessions resumed from the gateway replay buffer (no rejoin needed)' });
  }

  roomOpened(): void {
    this.broker.metrics.increment(ROOMS);
  }

  roomClosed(): void {
    this.broker.metrics.decrement(ROOMS);
  }

  participants(delta: number): void {
    this.broker.metrics.increment(PARTICIPANTS, undefined, delta);
  }

  message(kind: string): void {
    this.broker.metrics.increment(MESSAGES, { kind });
  }

  fanout(seconds: number): void {
    this.broker.metrics.observe(FANOUT, seconds);
  }

  activation(outcome: 'activated' | 'refused' | 'failed'): void {
    this.broker.metrics.increment(ACTIVATIONS, { outcome });
  }

  replayHit(): void {
    this.broker.metrics.increment(REPLAY_HITS);
  }

  forward(outcome: 'ok' | 'moved' | 'unreachable'): void {
    this.broker.metrics.increment(FORWARDS, { outcome });
  }
}
