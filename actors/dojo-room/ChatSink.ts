import type { Database } from '../../infra/db/database';
import type { Logger } from '../../infra/logger';
import { PermanentError, type DurableQueue, type Subscription } from '../../infra/queue';
import { watchQueue } from '../../infra/queue/metrics';
import { Batcher } from './Batcher';
import { rows } from './sql';
import type { ChatRecord } from './types';

/**
 * Where the room hands chat messages to be kept. `write` resolves once the record is durable:
 * the room acknowledges chat.send only then, so an acked message survives the room's node dying.
 * Writes are idempotent (the message id is derived from the client's id).
 */
export interface ChatSink {
  write(record: ChatRecord): Promise<void>;
  close(): Promise<void>;
}

// Handlers running at once on each node: also the largest group commit.
const CONSUMER_CONCURRENCY = 256;
// How long the consumer's group commit gathers records: nobody waits on it (chat.send is acked
// once the queue holds the message), and at 500 msg/s it makes ~5-10 records per transaction
// instead of one or two.
const CONSUMER_LINGER_MS = 15;

/** The queue of chat messages (the queue keeps clusters of other namespaces apart). */
export const CHAT_SUBJECT = 'dojo.chat';

/**
 * Whether PostgreSQL refused the data of a record (SQLSTATE class 22, data exception: a NUL
 * byte, a value too long; class 23, integrity: a dojo that is gone) rather than the write (a
 * lost connection, a failover). Writing that record again can never succeed; the others can.
 */
export function isRefusedRecord(error: unknown): boolean {
  const e = error as { original?: { code?: unknown }; parent?: { code?: unknown }; code?: unknown } | null;
  const code = e?.original?.code ?? e?.parent?.code ?? e?.code;
  return typeof code === 'string' && /^2[23]/.test(code);
}

/** Group-committed writes of chat records, where a record the database refuses fails alone. */
export function chatBatcher(db: Database, lingerMs = 0): Batcher<ChatRecord> {
  return new Batcher<ChatRecord>((records) => persistChat(db, records), { failsAlone: isRefusedRecord, lingerMs });
}

/**
 * Inserts (or soft-deletes) chat rows. A removal is an upsert to status R, so it wins whatever
 * order the two writes of one message arrive in; an insert never resurrects a removed message.
 */
export async function persistChat(db: Database, records: readonly ChatRecord[]): Promise<void> {
  const byTenant = new Map<string, ChatRecord[]>();
  for (const r of records) {
    const list = byTenant.get(r.tenantId);
    if (list) list.push(r);
    else byTenant.set(r.tenantId, [r]);
  }
  for (const [tenantId, list] of byTenant) {
    await db.withTenant(tenantId, async () => {
      for (const status of ['A', 'R'] as const) {
        // One row per message: a statement may not update the same row twice.
        const batch = [...new Map(list.filter((r) => r.status === status).map((r) => [r.messageId, r])).values()];
        if (batch.length === 0) continue;
        const onConflict = status === 'A' ? 'DO NOTHING' : `DO UPDATE SET status = 'R', updated = now()`;
        await rows(
          db,
          `INSERT INTO dojo_chat_messages (id, tenant_id, dojo_id, user_id, client_msg_id, text, status, created)
           SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::varchar[], $6::varchar[], $7::char[], $8::timestamptz[])
           ON CONFLICT (dojo_id, user_id, client_msg_id) ${onConflict} RETURNING id`,
          [
            batch.map((r) => r.messageId),
            batch.map((r) => r.tenantId),
            batch.map((r) => r.dojoId),
            batch.map((r) => r.userId),
            batch.map((r) => r.clientMsgId),
            batch.map((r) => r.text),
            batch.map((r) => r.status),
            batch.map((r) => r.createdAt),
          ],
        );
      }
    });
  }
}

/**
 * Straight to the database: group-committed inserts, acked after COMMIT. For tests of the room
 * without a queue, and a fallback should the queue be unavailable.
 */
export class DatabaseChatSink implements ChatSink {
  readonly #batcher: Batcher<ChatRecord>;

  constructor(db: Database) {
    this.#batcher = chatBatcher(db);
  }

  write(record: ChatRecord): Promise<void> {
    return this.#batcher.add({ ...record });
  }

  close(): Promise<void> {
    return this.#batcher.idle();
  }
}

/**
 * The sink over the durable queue (JetStream on NATS): `write` resolves when the server has
 * stored the message, and a consumer on the dojo-room nodes writes it to the database. The room
 * never waits on the database, and the message id dedupes a publish retried after a timeout.
 */
export class QueueChatSink implements ChatSink {
  #subscription: Subscription | undefined;
  #unwatch: (() => void) | undefined;

  private constructor(
    readonly queue: DurableQueue,
    readonly subject: string,
  ) {}

  /**
   * Starts this node's share of the consumer that moves queued chat into the database. Handlers
   * running at once share one transaction (group commit): a busy room costs a few inserts per
   * round trip instead of one transaction per message.
   */
  static async start(queue: DurableQueue, db: Database, logger: Logger, subject = CHAT_SUBJECT): Promise<QueueChatSink> {
    const sink = new QueueChatSink(queue, subject);
    const batcher = chatBatcher(db, CONSUMER_LINGER_MS);
    sink.#subscription = await queue.consume<unknown>(
      subject,
      async ({ payload }) => {
        if (!isChatRecord(payload)) {
          // Redelivering a malformed message would never help: drop it loudly.
          logger.error({ payload }, 'dropping a malformed chat record');
          return;
        }
        try {
          await batcher.add(payload);
        } catch (error) {
          // Refused alone (the batch was split around it): dead-letter it now, not after 20 tries.
          if (isRefusedRecord(error)) throw new PermanentError(`the database refuses the chat record: ${(error as Error).message}`, { cause: error });
          throw error;
        }
      },
      { durable: `${subject.replace(/\./g, '-')}-persist`, concurrency: CONSUMER_CONCURRENCY, maxDeliver: 20, backoffMs: [200, 1_000, 5_000, 15_000], ackWaitMs: 10_000 },
    );
    sink.#unwatch = watchQueue('chat', queue, subject);
    return sink;
  }

  write(record: ChatRecord): Promise<void> {
    return this.queue.publish(this.subject, record, { msgId: `${record.messageId}-${record.status}` });
  }

  async close(): Promise<void> {
    this.#unwatch?.();
    await this.#subscription?.stop();
  }
}

function isChatRecord(value: unknown): value is ChatRecord {
  const r = value as Partial<ChatRecord> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    [r.messageId, r.tenantId, r.dojoId, r.userId, r.clientMsgId, r.text, r.createdAt].every((v) => typeof v === 'string') &&
    (r.status === 'A' || r.status === 'R')
  );
}
