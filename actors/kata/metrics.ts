import { Counter, Gauge, metric } from '../../infra/metrics';
import type { RoomKitMetrics } from '../../infra/rooms';

const counter = (name: string, help: string, labelNames: string[] = []) => metric(name, (registers) => new Counter({ name, help, labelNames, registers }));

/** The kata actor's series (GET /metrics): running katas here, and the room kit's counts under kata names. */
export class KataMetrics implements RoomKitMetrics {
  readonly #active = metric('pocdojo_kata_active', (registers) => new Gauge({ name: 'pocdojo_kata_active', help: 'Katas active on this node', registers }));
  readonly #activations = counter('pocdojo_kata_activations_total', 'Kata activations on this node', ['outcome']);
  readonly #forwards = counter('pocdojo_kata_forwards_total', 'Kata calls forwarded to the node that holds the kata', ['outcome']);

  opened(): void {
    this.#active.inc();
  }

  closed(): void {
    this.#active.dec();
  }

  activation(outcome: 'activated' | 'refused' | 'failed'): void {
    this.#activations.inc({ outcome });
  }

  forward(outcome: 'ok' | 'moved' | 'unreachable'): void {
    this.#forwards.inc({ outcome });
  }

  /** Katas push through their dojo's main room: its fan-out is counted under dojo-room's series. */
  fanout(): void {}
}
