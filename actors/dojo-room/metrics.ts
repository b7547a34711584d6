import { Counter, Gauge, Histogram, metric } from '../../infra/metrics';

const gauge = (name: string, help: string) => metric(name, (registers) => new Gauge({ name, help, registers }));
const counter = (name: string, help: string, labelNames: string[] = []) => metric(name, (registers) => new Counter({ name, help, labelNames, registers }));

/**
 * Room metrics (GET /metrics on a node with a gateway). Messages are a counter: Prometheus'
 * rate() gives messages per second.
 */
export class RoomMetrics {
  readonly #rooms = gauge('pocdojo_dojo_rooms_active', 'Rooms active on this node');
  readonly #participants = gauge('pocdojo_dojo_participants', 'Participants present in the rooms of this node');
  readonly #messages = counter('pocdojo_dojo_messages_total', 'Room messages handled (chat, code, awareness, ...)', ['kind']);
  readonly #fanout = metric(
    'pocdojo_dojo_fanout_seconds',
    (registers) =>
      new Histogram({
        name: 'pocdojo_dojo_fanout_seconds',
        help: 'From a room push to the gateway node confirming its topic publish',
        buckets: [0.0005, 0.001, 0.002, 0.003, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
        registers,
      }),
  );
  readonly #activations = counter('pocdojo_dojo_activations_total', 'Room activations on this node', ['outcome']);
  readonly #failovers = counter('pocdojo_dojo_failovers_total', 'Rooms this node took over after their owner stopped answering');
  readonly #forwards = counter('pocdojo_dojo_forwards_total', 'Calls forwarded to the node that holds the room', ['outcome']);
  readonly #replayHits = counter('pocdojo_dojo_replay_hits_total', 'Room sessions resumed from the gateway replay buffer (no rejoin needed)');

  roomOpened(): void {
    this.#rooms.inc();
  }

  roomClosed(): void {
    this.#rooms.dec();
  }

  participants(delta: number): void {
    this.#participants.inc(delta);
  }

  message(kind: string): void {
    this.#messages.inc({ kind });
  }

  fanout(seconds: number): void {
    this.#fanout.observe(seconds);
  }

  activation(outcome: 'activated' | 'refused' | 'failed'): void {
    this.#activations.inc({ outcome });
  }

  failover(): void {
    this.#failovers.inc();
  }

  replayHit(): void {
    this.#replayHits.inc();
  }

  forward(outcome: 'ok' | 'moved' | 'unreachable'): void {
    this.#forwards.inc({ outcome });
  }
}
