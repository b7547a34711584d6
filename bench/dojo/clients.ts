import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

/** A room full of receiving sockets and one sender, driven as the mobile clients would. */
export class BenchRoom {
  readonly latencies: number[] = [];
  delivered = 0;
  acked = 0;
  refused = 0;
  #measureFrom = Infinity;
  #measureTo = Infinity;
  #nextId = 1_000_000;
  #inFlight = 0;

  private constructor(
    readonly sockets: WebSocket[],
    probes: number,
  ) {
    // Every socket receives; only the sender and a few probes read the frames. The others just
    // count them, so the clients (all in this process) cost as little as they can.
    sockets.forEach((socket, i) => {
      if (i <= probes) socket.on('message', (raw) => this.#receive(raw.toString()));
      else socket.on('message', () => void this.delivered++);
    });
  }

  /** Connects one socket per token (or `count` anonymous ones) and joins the dojo, if any. */
  static async open(url: string, opts: { tokens?: string[]; count?: number; dojoId?: string; probes?: number }): Promise<BenchRoom> {
    const tokens = opts.tokens ?? Array.from({ length: opts.count ?? 0 }, () => undefined);
    const sockets: WebSocket[] = [];
    // A few at a time: a thundering herd of handshakes measures nothing useful.
    for (let i = 0; i < tokens.length; i += 20) {
      sockets.push(...(await Promise.all(tokens.slice(i, i + 20).map((token) => connect(url, token)))));
    }
    if (opts.dojoId) {
      const dojoId = opts.dojoId;
      await Promise.all(sockets.map((s, i) => call(s, i + 1, 'room.join', { dojoId })));
    }
    return new BenchRoom(sockets, opts.probes ?? 10);
  }

  /** Sends `rate` chat messages per second from the first socket for `seconds`, measuring after `warmupSeconds`. */
  async steady(rate: number, seconds: number, warmupSeconds = 1): Promise<void> {
    const sender = this.sockets[0] as WebSocket;
    const start = performance.now();
    this.#measureFrom = start + warmupSeconds * 1000;
    this.#measureTo = start + (warmupSeconds + seconds) * 1000;
    let sent = 0;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const now = performance.now();
        if (now >= this.#measureTo) {
          clearInterval(timer);
          resolve();
          return;
        }
        const due = Math.floor(((now - start) / 1000) * rate);
        for (; sent < due; sent++) this.#send(sender, now);
      }, 1);
    });
    // Let the last pushes arrive.
    await new Promise((r) => setTimeout(r, 500));
  }

  /** Sends as fast as the server acks (`window` unacked at most) for `seconds`; returns deliveries per second. */
  async saturate(seconds: number, window = 64): Promise<number> {
    const sender = this.sockets[0] as WebSocket;
    const before = this.delivered;
    const start = performance.now();
    const end = start + seconds * 1000;
    await new Promise<void>((resolve) => {
      const pump = () => {
        const now = performance.now();
        if (now >= end) return resolve();
        while (this.#inFlight < window) this.#send(sender, now);
        setImmediate(pump);
      };
      pump();
    });
    return ((this.delivered - before) / (performance.now() - start)) * 1000;
  }

  percentile(p: number): number {
    if (this.latencies.length === 0) return NaN;
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
  }

  close(): void {
    for (const s of this.sockets) s.terminate();
  }

  #send(socket: WebSocket, now: number): void {
    this.#inFlight++;
    const id = this.#nextId++;
    socket.send(JSON.stringify({ id, method: 'chat.send', data: { text: String(now), clientMsgId: `b${id}` } }));
  }

  #receive(text: string): void {
    // Pushes carry "method"; replies carry "id". Parsing only what is needed keeps the clients light.
    if (text.startsWith('{"id"')) {
      this.#inFlight = Math.max(0, this.#inFlight - 1);
      if (text.includes('"ok":true')) this.acked++;
      else this.refused++;
      return;
    }
    if (!text.includes('"chat.message"')) return;
    this.delivered++;
    const frame = JSON.parse(text) as { data: { text: string } };
    const sentAt = Number(frame.data.text);
    if (sentAt >= this.#measureFrom && sentAt < this.#measureTo) this.latencies.push(performance.now() - sentAt);
  }
}

function call(socket: WebSocket, id: number, method: string, data: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (raw: WebSocket.RawData) => {
      const frame = JSON.parse(raw.toString()) as { id?: number; ok?: boolean; error?: unknown };
      if (frame.id !== id) return;
      socket.off('message', onMessage);
      if (frame.ok) resolve();
      else reject(new Error(`${method} refused: ${JSON.stringify(frame.error)}`));
    };
    socket.on('message', onMessage);
    socket.send(JSON.stringify({ id, method, data }));
  });
}

function connect(url: string, token: string | undefined): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, token ? ['pocdojo.v1', token] : undefined, { perMessageDeflate: false });
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}
