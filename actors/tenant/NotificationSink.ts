import type { Logger } from '../../infra/logger';
import type { NotificationRequest } from './Notifications';

/**
 * Where `notification.requested` events go between the emitter and the database. The emitter
 * never waits for the write: a burst is absorbed here and drained at a bounded pace.
 */
export interface NotificationSink {
  submit(request: NotificationRequest): Promise<void>;
  /** Stops taking requests and lets in-flight writes finish. Safe to call twice. */
  close(): Promise<void>;
}

export type NotificationHandler = (request: NotificationRequest) => Promise<unknown>;

export interface InProcessSinkOptions {
  concurrency?: number;
  /** Beyond this many waiting requests new ones are dropped (and logged) rather than exhausting memory. */
  capacity?: number;
  maxAttempts?: number;
  backoffMs?: number;
}

/**
 * The single-process default: a bounded in-memory buffer drained by a few workers, with retries
 * and backoff. Not durable (a crash loses what is buffered); the durable queue replaces it when
 * the process has one.
 */
export class InProcessSink implements NotificationSink {
  readonly #buffer: NotificationRequest[] = [];
  readonly #idle: Array<() => void> = [];
  readonly #options: Required<InProcessSinkOptions>;
  #running = 0;
  #closed = false;

  constructor(
    readonly handle: NotificationHandler,
    readonly logger: Logger,
    options: InProcessSinkOptions = {},
  ) {
    this.#options = { concurrency: 4, capacity: 10_000, maxAttempts: 5, backoffMs: 200, ...options };
  }

  async submit(request: NotificationRequest): Promise<void> {
    if (this.#closed) throw new Error('notification sink is closed');
    if (this.#buffer.length >= this.#options.capacity) {
      this.logger.warn({ tenantId: request.tenantId, type: request.type }, 'notification buffer full; request dropped');
      return;
    }
    this.#buffer.push(request);
    if (this.#running < this.#options.concurrency) {
      this.#running++;
      void this.#work();
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#running > 0) await new Promise<void>((resolve) => this.#idle.push(resolve));
  }

  async #work(): Promise<void> {
    for (let request = this.#buffer.shift(); request; request = this.#buffer.shift()) await this.#deliver(request);
    this.#running--;
    if (this.#running === 0) for (const resolve of this.#idle.splice(0)) resolve();
  }

  async #deliver(request: NotificationRequest): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.handle(request);
        return;
      } catch (error) {
        if (attempt >= this.#options.maxAttempts || this.#closed) {
          this.logger.error({ err: error, tenantId: request.tenantId, type: request.type, attempt }, 'notification not stored');
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, this.#options.backoffMs * 2 ** (attempt - 1)));
      }
    }
  }
}
