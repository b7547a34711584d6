import os from 'node:os';
import type { ScryptOptions } from 'node:crypto';
import { Worker } from 'node:worker_threads';

/** One scrypt derivation: the password already normalized by the caller. */
export interface ScryptJob {
  password: string;
  salt: Buffer;
  keyLength: number;
  options: ScryptOptions;
}

/** Every thread is busy and the queue is at its limit (count or expected wait): shed the request. */
export class HashPoolSaturatedError extends Error {
  constructor(readonly retryAfterMs: number) {
    super('the password hashing pool is saturated');
    this.name = 'HashPoolSaturatedError';
  }
}

// Plain JavaScript evaluated in the thread: no TypeScript loader is needed inside a worker.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { scryptSync } = require('node:crypto');
parentPort.on('message', ({ password, salt, keyLength, options }) => {
  try {
    parentPort.postMessage({ key: scryptSync(password, salt, keyLength, options) });
  } catch (error) {
    parentPort.postMessage({ error: String((error && error.message) || error) });
  }
});
`;

interface Task {
  job: ScryptJob;
  resolve(key: Buffer): void;
  reject(error: Error): void;
}

/**
 * Password hashing on its own threads, `concurrency` of them, with a bounded queue. scrypt on
 * libuv's shared pool (4 threads) queued without bound and held file and DNS work behind it (a
 * file stat's p99 was 3.2 s with 16 hashes queued there, 34 ms with them here: `npm run bench
 * login`), so a login storm timed out instead of being refused; here the hashes never touch that
 * pool, and a job past the queue's limits is refused at once.
 */
export class HashPool {
  readonly concurrency: number;
  readonly queueLimit: number;
  readonly maxWaitMs: number;
  readonly #idle: Worker[] = [];
  readonly #busy = new Map<Worker, { task: Task; started: number }>();
  readonly #queue: Task[] = [];
  #threads = 0;
  #closed = false;
  // Moving average of one hash's duration, for the Retry-After of a refusal.
  #averageMs = 50;

  /**
   * `maxWaitMs` bounds the expected wait as `queueLimit` bounds the count: on a machine slowed
   * down by other work, a hash costs several times more, and a queue the size of a quiet
   * machine's would outlast the client's timeout (measured: 504s at load 12 on 2 cores).
   */
  constructor(options: { concurrency?: number; queueLimit?: number; maxWaitMs?: number } = {}) {
    this.concurrency = Math.max(1, options.concurrency ?? os.availableParallelism());
    this.queueLimit = Math.max(0, options.queueLimit ?? Number.POSITIVE_INFINITY);
    this.maxWaitMs = options.maxWaitMs ?? Number.POSITIVE_INFINITY;
  }

  scrypt(job: ScryptJob): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      if (this.#closed) return reject(new Error('the hashing pool is closed'));
      const task: Task = { job, resolve, reject };
      const worker = this.#idle.pop() ?? (this.#threads < this.concurrency ? this.#spawn() : undefined);
      if (worker) return this.#start(worker, task);
      const wait = this.#drainEstimateMs();
      if (this.#queue.length >= this.queueLimit || wait > this.maxWaitMs) return reject(new HashPoolSaturatedError(wait));
      this.#queue.push(task);
    });
  }

  /** Stops the threads; queued and running jobs are rejected. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const closed = new Error('the hashing pool is closed');
    for (const task of this.#queue.splice(0)) task.reject(closed);
    for (const { task } of this.#busy.values()) task.reject(closed);
    const workers = [...this.#idle.splice(0), ...this.#busy.keys()];
    this.#busy.clear();
    await Promise.all(workers.map((w) => w.terminate()));
  }

  /** How long until the queue ahead of a new job would have drained. */
  #drainEstimateMs(): number {
    return Math.ceil(((this.#queue.length + this.#busy.size) / this.concurrency) * this.#averageMs);
  }

  #spawn(): Worker {
    this.#threads++;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.on('message', (message: { key?: Uint8Array; error?: string }) => this.#finished(worker, message));
    // A thread that dies takes its job with it; the next job starts a fresh one.
    const lost = (error: Error) => {
      if (!this.#busy.has(worker) && !this.#idle.includes(worker)) return;
      this.#threads--;
      this.#busy.get(worker)?.task.reject(error);
      this.#busy.delete(worker);
      const at = this.#idle.indexOf(worker);
      if (at >= 0) this.#idle.splice(at, 1);
      this.#next();
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`a hashing thread exited with code ${code}`)));
    return worker;
  }

  #start(worker: Worker, task: Task): void {
    this.#busy.set(worker, { task, started: performance.now() });
    // Referenced only while it works: an idle pool must not keep the process alive.
    worker.ref();
    worker.postMessage(task.job);
  }

  #finished(worker: Worker, message: { key?: Uint8Array; error?: string }): void {
    const running = this.#busy.get(worker);
    this.#busy.delete(worker);
    if (running) {
      const { task } = running;
      this.#averageMs = this.#averageMs * 0.8 + (performance.now() - running.started) * 0.2;
      if (message.key) task.resolve(Buffer.from(message.key.buffer, message.key.byteOffset, message.key.byteLength));
      else task.reject(new Error(message.error ?? 'scrypt failed'));
    }
    if (this.#closed) return;
    const next = this.#queue.shift();
    if (next) return this.#start(worker, next);
    worker.unref();
    this.#idle.push(worker);
  }

  /** After a thread was lost: start a replacement if jobs are waiting. */
  #next(): void {
    if (this.#closed || this.#queue.length === 0 || this.#threads >= this.concurrency) return;
    this.#start(this.#spawn(), this.#queue.shift() as Task);
  }
}
