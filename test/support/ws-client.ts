import WebSocket from 'ws';

export interface Frame {
  id?: string | number | null;
  ok?: boolean;
  method?: string;
  data?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  seq?: number;
  error?: { code: string; message: string; fields?: { field: string; message: string }[] };
}

/**
 * A signaling client as a mobile app would use it: request/reply by id, pushes queued until
 * read. Built on the `ws` library so the gateway is driven over a real socket.
 */
export class WsClient {
  readonly socket: WebSocket;
  readonly pushes: Frame[] = [];
  readonly #waiters = new Map<string | number, (frame: Frame) => void>();
  readonly #pushWaiters: Array<{ match: (f: Frame) => boolean; resolve: (f: Frame) => void }> = [];
  #nextId = 1;
  closed: { code: number; reason: string } | undefined;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (raw) => {
      const frame = JSON.parse(raw.toString()) as Frame;
      // Replies carry an id (null for frames the server could not read); pushes carry none.
      if (frame.id !== undefined && this.#waiters.has(frame.id as string | number)) {
        this.#waiters.get(frame.id as string | number)?.(frame);
        this.#waiters.delete(frame.id as string | number);
        return;
      }
      const waiter = this.#pushWaiters.findIndex((w) => w.match(frame));
      if (waiter >= 0) this.#pushWaiters.splice(waiter, 1)[0]?.resolve(frame);
      else this.pushes.push(frame);
    });
    socket.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
    });
  }

  static connect(url: string, token?: string, via: 'protocol' | 'query' = 'protocol'): Promise<WsClient> {
    return new Promise((resolve, reject) => {
      const target = token && via === 'query' ? `${url}?token=${encodeURIComponent(token)}` : url;
      const socket = new WebSocket(target, token && via === 'protocol' ? ['pocdojo.v1', token] : undefined);
      const client = new WsClient(socket);
      socket.once('open', () => resolve(client));
      socket.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
      socket.once('error', reject);
    });
  }

  request(method: string, data?: unknown, timeoutMs = 10_000): Promise<Frame> {
    const id = this.#nextId++;
    return this.requestRaw(JSON.stringify({ id, method, data }), id, timeoutMs);
  }

  /** Sends raw text and waits for the reply carrying `id` (null for frames without one). */
  requestRaw(text: string, id: string | number, timeoutMs = 10_000): Promise<Frame> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply to ${id}`)), timeoutMs);
      this.#waiters.set(id, (frame) => {
        clearTimeout(timer);
        resolve(frame);
      });
      this.socket.send(text);
    });
  }

  /** The next push matching `match` (already received or still to come). */
  nextPush(match: (f: Frame) => boolean, timeoutMs = 10_000): Promise<Frame> {
    const index = this.pushes.findIndex(match);
    if (index >= 0) return Promise.resolve(this.pushes.splice(index, 1)[0] as Frame);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('push did not come')), timeoutMs);
      this.#pushWaiters.push({ match, resolve: (f) => { clearTimeout(timer); resolve(f); } });
    });
  }

  /** How the server closed the socket (already, or within `timeoutMs`). */
  whenClosed(timeoutMs = 10_000): Promise<{ code: number; reason: string }> {
    if (this.closed) return Promise.resolve(this.closed);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('socket was not closed')), timeoutMs);
      this.socket.once('close', (code, reason) => {
        clearTimeout(timer);
        resolve({ code, reason: reason.toString() });
      });
    });
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }
}
