// Stream and consumer provisioning for JetStreamQueue. Every process runs it at start-up, so each
// step is idempotent and converges on the configuration the code asks for.
import { AckPolicy, DeliverPolicy, DiscardPolicy, nanos, RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig } from 'nats';
import type { ResolvedConsumeOptions } from './options';

// JetStream API error codes (nats-server errors.json).
const STREAM_NAME_IN_USE = 10058;
const CONSUMER_NOT_FOUND = 10014;
const CONSUMER_NOT_UNIQUE_ON_WORKQUEUE = 10100;
const CONSUMER_ALREADY_EXISTS = 10148;

export interface StreamNames {
  stream: string;
  deadLetterStream: string;
  /** Full NATS subject of a queue subject. */
  queueSubject(subject: string): string;
  deadLetterSubject(subject: string): string;
}

export function streamNames(stream: string, subjectPrefix: string): StreamNames {
  return {
    stream,
    deadLetterStream: `${stream}_DLQ`,
    queueSubject: (subject) => `${subjectPrefix}.q.${subject}`,
    deadLetterSubject: (subject) => `${subjectPrefix}.dlq.${subject}`,
  };
}

/**
 * Two streams because they need opposite retention: queued messages live until acked (work queue,
 * which also lets one consumer only per subject), dead letters must stay readable and bounded.
 */
export async function ensureStreams(jsm: JetStreamManager, names: StreamNames, subjectPrefix: string, limits: { dedupeWindowMs: number; deadLetterLimit: number }): Promise<void> {
  await upsertStream(jsm, {
    name: names.stream,
    subjects: [`${subjectPrefix}.q.>`],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    duplicate_window: nanos(limits.dedupeWindowMs),
  });
  await upsertStream(jsm, {
    name: names.deadLetterStream,
    subjects: [`${subjectPrefix}.dlq.>`],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_msgs_per_subject: limits.deadLetterLimit,
    discard: DiscardPolicy.Old,
    duplicate_window: nanos(limits.dedupeWindowMs),
  });
}

export async function ensureConsumer(jsm: JetStreamManager, stream: string, filterSubject: string, subject: string, options: ResolvedConsumeOptions): Promise<void> {
  const { durable } = options;
  const tunable = {
    max_ack_pending: options.clusterConcurrency,
    ack_wait: nanos(options.ackWaitMs),
    // No server-side cap: a message that hits max_deliver just stops in a work-queue stream with no
    // dead letter. The client counts attempts and buries the message itself (delivery.ts).
    max_deliver: -1,
  };
  const existing = await jsm.consumers.info(stream, durable).catch((error: unknown) => {
    if (apiErrorCode(error) === CONSUMER_NOT_FOUND) return undefined;
    throw error;
  });
  if (existing && existing.config.filter_subject !== filterSubject) {
    throw new Error(`durable "${durable}" already consumes another subject (${existing.config.filter_subject})`);
  }
  if (existing) {
    const config = existing.config;
    const same = config.max_ack_pending === tunable.max_ack_pending && config.ack_wait === tunable.ack_wait && config.max_deliver === tunable.max_deliver;
    if (!same) await jsm.consumers.update(stream, durable, tunable);
    return;
  }
  try {
    await jsm.consumers.add(stream, { durable_name: durable, filter_subject: filterSubject, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, ...tunable });
  } catch (error) {
    const code = apiErrorCode(error);
    if (code === CONSUMER_NOT_UNIQUE_ON_WORKQUEUE) throw new Error(`subject "${subject}" is already consumed by another durable`);
    // Another process created it between our info and add (servers >= 2.10 refuse a differing create).
    if (code === CONSUMER_ALREADY_EXISTS) await jsm.consumers.update(stream, durable, tunable);
    else throw error;
  }
}

async function upsertStream(jsm: JetStreamManager, config: Partial<StreamConfig> & { name: string }): Promise<void> {
  try {
    await jsm.streams.add(config);
  } catch (error) {
    // add() accepts an identical config; a changed one (new dedupe window, limit) needs update().
    if (apiErrorCode(error) !== STREAM_NAME_IN_USE) throw error;
    await jsm.streams.update(config.name, config);
  }
}

function apiErrorCode(error: unknown): number | undefined {
  return (error as { api_error?: { err_code?: number } } | undefined)?.api_error?.err_code;
}
