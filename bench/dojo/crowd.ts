import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

export interface ChatResult {
  sent: number;
  /** chat.message frames received, over every socket. */
  delivered: number;
  expected: number;
  /** Frames a probe saw out of order or twice (per sender, by its message number). */
  disorder: number;
  refused: number;
  /** Refusals by error code. */
  refusals: Record<string, number>;
  latencies: number[];
}

export interface JoinResult {
  joined: number;
  refused: number;
  perSecond: number;
  latencies: number[];
}

/**
 * Many sockets, many senders, many rooms: the shapes of issue 21, driven the same way against
 * pocdojo and the bare uWS baseline. Replies are matched by id on each socket.
 */
export class Crowd {
  #nextId = 1;
  readonly #pending = new Map<number, (frame: { ok: boolean; error?: { code: string } }) => void>();
  #onChat: (socket: number, raw: Buffer) => void = () => undefined;

  private constructor(readonly sockets: WebSocket[]) {
    // The clients share this process with the measurement: a push is decoded only where it is
    // read (replies, probes), the others are recognized in the raw bytes and counted.
    sockets.forEach((socket, i) =>
      socket.on('message', (raw: Buffer) => {
        if (raw[2] === 0x69 /* {"id" */) {
          const frame = JSON.parse(raw.toString()) as { id: number; ok: boolean; error?: { code: string } };
          const done = this.#pending.get(frame.id);
          this.#pending.delete(frame.id);
          done?.(frame);
        } else if (raw.indexOf('"chat.message"') !== -1) this.#onChat(i, raw);
      }),
    );
  }

  /** Connects one socket per token (or `count` anonymous ones), `parallel` handshakes at a time. */
  static async connect(url: string, tokens: ReadonlyArray<string | undefined>, parallel = 50): Promise<Crowd> {
    const sockets: WebSocket[] = new Array(tokens.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        while (next < tokens.length) {
          const i = next++;
          sockets[i] = await connect(url, tokens[i]);
        }
      }),
    );
    return new Crowd(sockets);
  }

  call(i: number, method: string, data: unknown): Promise<{ ok: boolean; error?: { code: string } }> {
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      (this.sockets[i] as WebSocket).send(JSON.stringify({ id, method, data }));
    });
  }

  /** Every socket joins its room (`roomOf(i)`), `window` joins in flight at a time; a busy refusal is retried. */
  async joinAll(roomOf: (i: number) => string, window = 250): Promise<JoinResult> {
    const latencies: number[] = [];
    let refused = 0;
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: window }, async () => {
        while (next < this.sockets.length) {
          const i = next++;
          for (let attempt = 0; ; attempt++) {
            const t = performance.now();
            const reply = await this.call(i, 'room.join', { dojoId: roomOf(i) });
            if (reply.ok) {
              latencies.push(performance.now() - t);
              break;
            }
            refused++;
            if (reply.error?.code !== 'SERVICE_UNAVAILABLE' || attempt > 20) break;
            await new Promise((r) => setTimeout(r, 200));
          }
        }
      }),
    );
    return { joined: latencies.length, refused, perSecond: (latencies.length / (performance.now() - started)) * 1000, latencies };
  }

  /**
   * The first `senders` sockets each send `perSender` messages a second for `seconds` (phases
   * spread evenly); every socket counts chat.message frames, the first `probes` also check the
   * order per sender and measure the delay of those sent after `warmup` seconds.
   */
  async chat(options: { senders: number; perSender: number; seconds: number; warmup?: number; probes: number; members: number }): Promise<ChatResult> {
    const { senders, perSender, seconds, probes, members } = options;
    const warmup = options.warmup ?? 1;
    const rate = senders * perSender;
    const latencies: number[] = [];
    const last = Array.from({ length: probes }, () => new Map<number, number>());
    let delivered = 0;
    let disorder = 0;
    let refused = 0;
    const refusals: Record<string, number> = {};
    const start = performance.now();
    const measureFrom = start + warmup * 1000;
    const end = start + (warmup + seconds) * 1000;
    this.#onChat = (socket, raw) => {
      delivered++;
      if (socket >= probes) return;
      const frame = JSON.parse(raw.toString()) as { data: { text: string } };
      const [sender, n, sentAt] = frame.data.text.split(' ').map(Number) as [number, number, number];
      const seen = last[socket] as Map<number, number>;
      if ((seen.get(sender) ?? -1) !== n - 1) disorder++;
      seen.set(sender, n);
      if (sentAt >= measureFrom) latencies.push(performance.now() - sentAt);
    };
    const counts = new Array<number>(senders).fill(0);
    let sent = 0;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const now = performance.now();
        if (now >= end) {
          clearInterval(timer);
          resolve();
          return;
        }
        // Message k (over all senders) is due at k / rate; sender k % senders sends it.
        const due = Math.floor(((now - start) / 1000) * rate);
        for (; sent < due; sent++) {
          const sender = sent % senders;
          const n = counts[sender]!;
          counts[sender] = n + 1;
          void this.call(sender, 'chat.send', { text: `${sender} ${n} ${now}`, clientMsgId: `c${sender}-${n}` }).then((r) => {
            if (r.ok) return;
            refused++;
            const code = r.error?.code ?? 'unknown';
            refusals[code] = (refusals[code] ?? 0) + 1;
          });
        }
      }, 2);
    });
    // Let the last pushes arrive.
    await new Promise((r) => setTimeout(r, 1_500));
    this.#onChat = () => undefined;
    return { sent, delivered, expected: sent * members, disorder, refused, refusals, latencies };
  }

  close(): void {
    for (const s of this.sockets) s.terminate();
  }
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

function connect(url: string, token: string | undefined): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, token ? ['pocdojo.v1', token] : ['pocdojo.v1'], { perMessageDeflate: false });
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}
