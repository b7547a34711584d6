import { Counter, Gauge, metric } from '../infra/metrics';

/** Socket metrics (HTTP ones: http-metrics.ts, kept outside prom-client for the hot path). */
export class GatewayMetrics {
  readonly #sessions = metric('pocdojo_ws_sessions_connected', (registers) => new Gauge({ name: 'pocdojo_ws_sessions_connected', help: 'Open WebSocket sessions', registers }));
  readonly #frames = metric('pocdojo_ws_frames_total', (registers) => new Counter({ name: 'pocdojo_ws_frames_total', help: 'WebSocket request frames', labelNames: ['method', 'ok'], registers }));

  sessionOpened(): void {
    this.#sessions.inc();
  }

  sessionDetached(): void {
    this.#sessions.dec();
  }

  frame(method: string, ok: boolean): void {
    this.#frames.inc({ method, ok: String(ok) });
  }
}
