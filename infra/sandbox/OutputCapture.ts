import type { OutputStream } from './types';

/** Streamed chunks are at most this big, and sent at least this often while output comes. */
const CHUNK_BYTES = 8 * 1024;
const FLUSH_MS = 100;
/** Control characters other than tab and line breaks (ANSI escapes, NUL, backspace). */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/**
 * Program output as others may see it: control characters become U+FFFD, so a program cannot
 * move other members' cursors or forge lines, and the text is storable (PostgreSQL refuses NUL)
 * and passes the protocol's text rule (protocol/text.ts) like any other free text.
 */
export function printable(text: string): string {
  return text.replace(CONTROL, '\uFFFD');
}

/**
 * One stream of a run: keeps the first `limit` bytes, streams them in bounded chunks, and cuts
 * the rest with a marker. Past `drainLimit` bytes (printing 100 MB) the run is not worth
 * draining any longer: `push` answers false and the sandbox kills it.
 */
export class OutputCapture {
  readonly #kept: Buffer[] = [];
  #keptBytes = 0;
  #seenBytes = 0;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    readonly stream: OutputStream,
    readonly limit: number,
    readonly drainLimit: number,
    readonly onChunk?: (stream: OutputStream, chunk: string) => void,
  ) {}

  get truncated(): boolean {
    return this.#seenBytes > this.limit;
  }

  push(data: Buffer): boolean {
    this.#seenBytes += data.length;
    const room = this.limit - this.#keptBytes;
    if (room > 0) {
      const part = data.length > room ? data.subarray(0, room) : data;
      this.#kept.push(part);
      this.#keptBytes += part.length;
      this.#queue(part);
    }
    return this.#seenBytes <= this.drainLimit;
  }

  /** The kept text (a multi-byte character cut at the limit decodes as U+FFFD), with the marker when cut. */
  finish(): string {
    this.flush();
    clearTimeout(this.#timer);
    const text = printable(Buffer.concat(this.#kept).toString('utf8'));
    if (!this.truncated) return text;
    const marker = `\n[output truncated: ${this.#seenBytes > this.drainLimit ? 'more than ' : ''}${this.#seenBytes} bytes, ${this.limit} kept]\n`;
    this.onChunk?.(this.stream, marker);
    return text + marker;
  }

  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pendingBytes === 0) return;
    const all = Buffer.concat(this.#pending);
    this.#pending = [];
    this.#pendingBytes = 0;
    for (let at = 0; at < all.length; at += CHUNK_BYTES) this.onChunk?.(this.stream, printable(all.subarray(at, at + CHUNK_BYTES).toString('utf8')));
  }

  #queue(part: Buffer): void {
    if (!this.onChunk) return;
    this.#pending.push(part);
    this.#pendingBytes += part.length;
    if (this.#pendingBytes >= CHUNK_BYTES) this.flush();
    else this.#timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }
}
