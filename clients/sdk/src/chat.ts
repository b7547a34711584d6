import { PocdojoError } from './errors';
import type { ChatMessage } from './wire';

/** A message waiting for the server's acknowledgement. */
export interface OutgoingMessage {
  clientMsgId: string;
  text: string;
}

interface Entry extends OutgoingMessage {
  resolve(message: ChatMessage): void;
  reject(error: unknown): void;
}

/** Sends one message; rejects with a PocdojoError. */
export type SendChat = (message: OutgoingMessage) => Promise<{ messageId: string; createdAt: string }>;

/**
 * The chat outbox: messages go out one at a time, in order, each with its clientMsgId. A send
 * that fails for a reason unrelated to the message (the socket dropped, the server timed out)
 * stays at the head and goes again with the same clientMsgId once the room is back (`resume`):
 * the room answers a retried clientMsgId with the first message (`duplicate: true`) instead of
 * posting it twice, so a message acknowledged before the drop is never lost nor doubled.
 */
export class ChatOutbox {
  readonly #queue: Entry[] = [];
  #running = false;
  #paused = true;

  constructor(
    private readonly send: SendChat,
    private readonly userId: () => string,
  ) {}

  get pending(): readonly OutgoingMessage[] {
    return this.#queue.map(({ clientMsgId, text }) => ({ clientMsgId, text }));
  }

  enqueue(text: string, clientMsgId: string): Promise<ChatMessage> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ clientMsgId, text, resolve, reject });
      void this.#run();
    });
  }

  /** The room is (back) in: send what waits. */
  resume(): void {
    this.#paused = false;
    void this.#run();
  }

  /** The room is not reachable for now: keep what waits. */
  pause(): void {
    this.#paused = true;
  }

  /** The room is gone for good: what waits will never be sent. */
  fail(error: PocdojoError): void {
    this.#paused = true;
    for (const entry of this.#queue.splice(0)) entry.reject(error);
  }

  async #run(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      let retries = 0;
      while (!this.#paused && this.#queue.length > 0) {
        const entry = this.#queue[0] as Entry;
        try {
          const ack = await this.send(entry);
          this.#queue.shift();
          retries = 0;
          entry.resolve({ messageId: ack.messageId, clientMsgId: entry.clientMsgId, userId: this.userId(), text: entry.text, createdAt: ack.createdAt });
        } catch (error) {
          if (!(error instanceof PocdojoError) || !error.retryable) {
            this.#queue.shift();
            entry.reject(error);
            continue;
          }
          // Lost with the socket: resume() restarts us once the room is back.
          if (error.code === 'CONNECTION_LOST' || error.code === 'NOT_CONNECTED' || this.#paused) break;
          // The socket is up but the server was slow or busy: wait a little, then the same clientMsgId again.
          await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 200 * 2 ** retries++)));
        }
      }
    } finally {
      this.#running = false;
    }
  }
}
