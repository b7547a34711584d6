import { randomUUID } from 'node:crypto';
import { authed, type TestTenant, type TestUser } from '../support/accounts';
import type { TestNode } from '../support/node';
import type { WsClient } from '../support/ws-client';

/** One answer a client got: when it asked, how long it waited, what came back. */
export interface Answer {
  at: number;
  ms: number;
  /** HTTP status, a WS error code, 'ok', or 'no answer' when the client gave up waiting. */
  outcome: number | string;
}

const PAUSE_MS = 250;

/**
 * What live clients do while a service is down: one member chats through its socket, another
 * client reads the dojo over REST, and /ready is polled, each a few times a second. Everything
 * is recorded so a test can tell what was acknowledged, what failed and how fast.
 */
export class Traffic {
  readonly acked = new Set<string>();
  readonly chat: Answer[] = [];
  readonly rest: Answer[] = [];
  readonly ready: Answer[] = [];
  #running = false;
  #loops: Promise<void>[] = [];

  constructor(
    readonly app: TestNode,
    readonly dojoId: string,
    readonly reader: TestUser,
    /** The chatting member's socket; replaced by `useSocket` when the test reconnects it. */
    public socket: WsClient,
    /** How long a client waits for any answer: the node's request timeout plus slack. */
    readonly patienceMs: number,
  ) {}

  start(): void {
    this.#running = true;
    this.#loops = [this.#loop(() => this.#sendChat()), this.#loop(() => this.#get(`/v1/dojos/${this.dojoId}`, this.rest)), this.#loop(() => this.#get('/ready', this.ready))];
  }

  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#loops);
  }

  /** Answers to requests sent in [from, to). */
  static within(answers: readonly Answer[], from: number, to = Number.POSITIVE_INFINITY): Answer[] {
    return answers.filter((a) => a.at >= from && a.at < to);
  }

  /** Milliseconds from `since` to the first success among requests sent after it. */
  static recovery(answers: readonly Answer[], since: number, success: (a: Answer) => boolean): number | undefined {
    const first = answers.find((a) => a.at >= since && success(a));
    return first ? first.at + first.ms - since : undefined;
  }

  async #loop(step: () => Promise<void>): Promise<void> {
    while (this.#running) {
      await step();
      await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    }
  }

  async #sendChat(): Promise<void> {
    const clientMsgId = randomUUID();
    const at = Date.now();
    let outcome: string;
    try {
      const reply = await this.socket.request('chat.send', { text: `msg ${clientMsgId}`, clientMsgId }, this.patienceMs);
      outcome = reply.ok ? 'ok' : (reply.error?.code ?? 'error');
      if (reply.ok) this.acked.add(clientMsgId);
    } catch {
      outcome = this.socket.closed ? `closed ${this.socket.closed.code}` : 'no answer';
    }
    this.chat.push({ at, ms: Date.now() - at, outcome });
  }

  async #get(path: string, into: Answer[]): Promise<void> {
    const at = Date.now();
    let outcome: number | string;
    try {
      const res = await fetch(`${this.app.url}${path}`, { headers: authed(this.reader.token), signal: AbortSignal.timeout(this.patienceMs) });
      await res.arrayBuffer();
      outcome = res.status;
    } catch {
      outcome = 'no answer';
    }
    into.push({ at, ms: Date.now() - at, outcome });
  }
}

/** Queues a billing report (CSV: cheap to render) as the tenant's admin; the report id, or the HTTP status that refused it. */
export async function queueReport(app: TestNode, tenant: TestTenant): Promise<{ id?: string; status: number }> {
  const res = await fetch(`${app.url}/v1/report/billing`, {
    method: 'POST',
    headers: authed(tenant.admin.token),
    body: JSON.stringify({ tenant_id: tenant.tenantId, format: 'csv' }),
    signal: AbortSignal.timeout(30_000),
  }).catch(() => undefined);
  if (!res) return { status: 0 };
  const body = (await res.json().catch(() => ({}))) as { report_id?: string };
  return { id: body.report_id, status: res.status };
}

/** Summary of answers for the test log: counts by outcome and the slowest wait. */
export function summary(answers: readonly Answer[]): string {
  const counts = new Map<string, number>();
  for (const a of answers) counts.set(String(a.outcome), (counts.get(String(a.outcome)) ?? 0) + 1);
  const slowest = answers.reduce((max, a) => Math.max(max, a.ms), 0);
  return `${[...counts].map(([k, n]) => `${k}:${n}`).join(' ')} (slowest ${slowest} ms)`;
}
