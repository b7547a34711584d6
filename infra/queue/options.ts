// Argument checks and defaults shared by both queues, so a bad call fails the same way on memory
// and on JetStream (the server would otherwise answer with its own error, memory with none).
import type { ConsumeOptions, QueueOptions } from './types';

export const DEFAULT_DEDUPE_WINDOW_MS = 120_000;
export const DEFAULT_DEAD_LETTER_LIMIT = 1000;
export const DEFAULT_DEAD_LETTERS_READ = 100;

export type ResolvedConsumeOptions = Required<ConsumeOptions>;

// Tokens are restricted beyond what NATS allows so a subject or durable can never carry a
// wildcard or a separator into a JetStream subject or consumer name.
const TOKEN = /^[A-Za-z0-9_-]+$/;

export function subjectArg(subject: string): string {
  if (typeof subject !== 'string' || !subject.split('.').every((token) => TOKEN.test(token))) {
    throw new TypeError(`subject must be dot-separated tokens of [A-Za-z0-9_-], got ${JSON.stringify(subject)}`);
  }
  return subject;
}

/** A durable or stream name: one token, as JetStream names may not contain dots or wildcards. */
export function nameArg(kind: string, name: string): string {
  if (typeof name !== 'string' || !TOKEN.test(name)) {
    throw new TypeError(`${kind} must match [A-Za-z0-9_-]+, got ${JSON.stringify(name)}`);
  }
  return name;
}

export function msgIdArg(msgId: string | undefined): string | undefined {
  if (msgId !== undefined && (typeof msgId !== 'string' || msgId.length === 0)) {
    throw new TypeError('msgId must be a non-empty string');
  }
  return msgId;
}

export function resolveConsumeOptions(options: ConsumeOptions): ResolvedConsumeOptions {
  const backoffMs = options.backoffMs ?? [1000, 5000, 15_000, 60_000];
  if (!Array.isArray(backoffMs) || !backoffMs.every((ms) => Number.isFinite(ms) && ms >= 0)) {
    throw new RangeError('backoffMs must be an array of non-negative numbers');
  }
  return {
    durable: nameArg('durable', options.durable),
    concurrency: positiveInteger('concurrency', options.concurrency ?? 1),
    clusterConcurrency: positiveInteger('clusterConcurrency', options.clusterConcurrency ?? 1000),
    maxDeliver: positiveInteger('maxDeliver', options.maxDeliver ?? 5),
    backoffMs: backoffMs.map(Math.ceil),
    ackWaitMs: positiveInteger('ackWaitMs', options.ackWaitMs ?? 30_000),
  };
}

export function resolveQueueOptions(options: QueueOptions): { dedupeWindowMs: number; deadLetterLimit: number } {
  return {
    dedupeWindowMs: positiveInteger('dedupeWindowMs', options.dedupeWindowMs ?? DEFAULT_DEDUPE_WINDOW_MS),
    deadLetterLimit: positiveInteger('deadLetterLimit', options.deadLetterLimit ?? DEFAULT_DEAD_LETTER_LIMIT),
  };
}

export function limitArg(limit: number | undefined): number {
  return positiveInteger('limit', limit ?? DEFAULT_DEAD_LETTERS_READ);
}

/** Delay before the attempt that follows `failedAttempt` (1-based); the last entry repeats. */
export function backoffDelay(backoffMs: readonly number[], failedAttempt: number): number {
  if (backoffMs.length === 0) return 0;
  return backoffMs[Math.min(failedAttempt, backoffMs.length) - 1]!;
}

/** Both queues carry JSON so a payload that works on memory works on JetStream too. */
export function encodePayload(payload: unknown): string {
  return JSON.stringify(payload) ?? 'null';
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** JetStream dedupes per stream; scoping by subject lets one domain id name a job on several queues. */
export function dedupeKey(subject: string, msgId: string): string {
  return `${subject} ${msgId}`;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}
