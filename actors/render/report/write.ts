import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** Writes a chunk and waits while the stream's buffer is full, so a long export stays in bounded memory. */
export async function write(out: Writable, chunk: string): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

/** Ends a stream and waits until everything reached its destination. */
export async function finish(out: Writable): Promise<void> {
  out.end();
  if (!out.writableFinished) await once(out, 'finish');
}
