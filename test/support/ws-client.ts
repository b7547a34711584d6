import WebSocket from 'ws';
import { isPushMethod, PUSH_SCHEMAS, type PushData, type PushFrame, type PushMethod } from '../../protocol/push';

/** A reply or a push as received. Push data is typed by `nextPushOf`; `data` here is a reply's (or a push read the old way). */
export interface Frame {
  id?: string | number | null;
  ok?: boolean;
  method?: string;
  data?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  seq?: number;
  /** The room a room's push comes from. */
  room?: string;
  error?: { code: string; message: string; fields?: { field: string; message: string }[] };
}

export interface ConnectOptions {
  /**
   * Check every push against protocol/push.ts (the default). Off only for tests that play a
   * room with made-up frames (the gateway's own tests, which relay frames they do not read).
   */
  checkPushes?: boolean;
}

const PUSH_KEYS = new Set(['method', 'data', 'seq', 'room']);

/** Keys of `input` that parsing dropped (`output` is the parse of `input`): what the contract does not declare. */
function undeclared(input: unknown, output: unknown, path: string): string[] {
  if (Array.isArray(input) && Array.isArray(output)) return input.flatMap((item, i) => undeclared(item, output[i], `${path}[${i}]`));
  if (!input || !output || typeof input !== 'object' || typeof output !== 'object') return [];
  return Object.entries(input).flatMap(([key, value]) => (key in output ? undeclared(value, (output as Record<string, unknown>)[key], `${path}.${key}`) : [`${path}.${key}`]));
}

/**
 * What is wrong with a push against the contract (protocol/push.ts), or undefined: a known method,
 * data its schema accepts with no field it does not declare, and nothing else but a `seq` and the `room` it comes from.
 */
export function pushContractError(frame: Frame): string | undefined {
  const { method } = frame;
  if (typeof method !== 'string' || !isPushMethod(method)) return `${JSON.stringify(method)} is not a push method`;
  const extraKeys = Object.keys(frame).filter((key) => !PUSH_KEYS.has(key));
  if (extraKeys.length > 0) return `${method}: the frame carries ${extraKeys.join(', ')}`;
  if (frame.seq !== undefined && !(Number.isInteger(frame.seq) && frame.seq >= 0)) return `${method}: seq ${JSON.stringify(frame.seq)} is not a count`;
  const parsed = PUSH_SCHEMAS[method].safeParse(frame.data);
  if (!parsed.success) return `${method}: ${parsed.error.issues.map((i) => `${['data', ...i.path.map(String)].join('.')}: ${i.message}`).join('; ')}`;
  const extra = undeclared(frame.data, parsed.data, 'data');
  return extra.length > 0 ? `${method}: ${extra.join(', ')} not declared` : undefined;
}

/** A test for `nextPush` or `pushes.filter` that types the frames it accepts: a `method` push whose data matches `match`. */
export const isPush =
  <M extends PushMethod>(method: M, match: (data: PushData<M>) => boolean = () => true) =>
  (frame: Frame): frame is PushFrame<M> =>
    frame.method === method && match(frame.data as PushData<M>);

/**
 * A signaling client as a mobile app would use it: request/reply by id, pushes queued until
 * read. Built on the `ws` library so the gateway is driven over a real socket. Every push is
 * checked against protocol/push.ts: one that breaks the contract is recorded in
 * `contractErrors`, and from then on `nextPush`, `nextPushOf` and `close` reject with it, so the
 * test that received it fails.
 */
export class WsClient {
  readonly socket: WebSocket;
  readonly pushes: Frame[] = [];
  /** Pushes that did not match protocol/push.ts, described. */
  readonly contractErrors: string[] = [];
  readonly #waiters = new Map<string | number, (frame: Frame) => void>();
  readonly #pushWaiters: Array<{ match: (f: Frame) => boolean; resolve: (f: Frame) => void; reject: (error: Error) => void }> = [];
  #nextId = 1;
  closed: { code: number; reason: string } | undefined;

  private constructor(socket: WebSocket, options: ConnectOptions) {
    this.socket = socket;
    const checkPushes = options.checkPushes ?? true;
    socket.on('message', (raw) => {
      const frame = JSON.parse(raw.toString()) as Frame;
      // Replies carry an id (null for frames the server could not read); pushes carry none.
      if (frame.id !== undefined && this.#waiters.has(frame.id as string | number)) {
        this.#waiters.get(frame.id as string | number)?.(frame);
        this.#waiters.delete(frame.id as string | number);
        return;
      }
      const isPush = !('id' in frame) && !('ok' in frame);
      const error = checkPushes && isPush ? pushContractError(frame) : undefined;
      if (error) {
        this.contractErrors.push(error);
        for (const waiter of this.#pushWaiters.splice(0)) waiter.reject(this.#contractError() as Error);
      }
      const waiter = error ? -1 : this.#pushWaiters.findIndex((w) => w.match(frame));
      if (waiter >= 0) this.#pushWaiters.splice(waiter, 1)[0]?.resolve(frame);
      else this.pushes.push(frame);
    });
    socket.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
    });
  }

  static connect(url: string, token?: string, via: 'protocol' | 'query' = 'protocol', options: ConnectOptions = {}): Promise<WsClient> {
    return new Promise((resolve, reject) => {
      const target = token && via === 'query' ? `${url}?token=${encodeURIComponent(token)}` : url;
      const socket = new WebSocket(target, token && via === 'protocol' ? ['pocdojo.v1', token] : undefined);
      const client = new WsClient(socket, options);
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

  /** The next push matching `match` (already received or still to come); typed when `match` is an `isPush(...)`. */
  nextPush<F extends Frame>(match: (f: Frame) => f is F, timeoutMs?: number): Promise<F>;
  nextPush(match: (f: Frame) => boolean, timeoutMs?: number): Promise<Frame>;
  nextPush(match: (f: Frame) => boolean, timeoutMs = 10_000): Promise<Frame> {
    return this.#nextPush(match, timeoutMs, 'push did not come');
  }

  /** The data of the next `method` push whose data matches `match`, typed by protocol/push.ts. */
  async nextPushOf<M extends PushMethod>(method: M, match: (data: PushData<M>) => boolean = () => true, timeoutMs = 10_000): Promise<PushData<M>> {
    const frame = (await this.#nextPush(isPush(method, match), timeoutMs, `no ${method} push came`)) as PushFrame<M>;
    return frame.data;
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

  /** Closes the socket; rejects if a push it received broke the contract. */
  async close(): Promise<void> {
    if (!this.closed) {
      await new Promise<void>((resolve) => {
        this.socket.once('close', () => resolve());
        this.socket.close();
      });
    }
    const error = this.#contractError();
    if (error) throw error;
  }

  #nextPush(match: (f: Frame) => boolean, timeoutMs: number, notCame: string): Promise<Frame> {
    const error = this.#contractError();
    if (error) return Promise.reject(error);
    const index = this.pushes.findIndex(match);
    if (index >= 0) return Promise.resolve(this.pushes.splice(index, 1)[0] as Frame);
    return new Promise((resolve, reject) => {
      const settle =
        <T>(then: (value: T) => void) =>
        (value: T) => {
          clearTimeout(timer);
          then(value);
        };
      const waiter = { match, resolve: settle(resolve), reject: settle(reject) };
      // A waiter that gave up leaves, so a later push it would have matched stays queued.
      const timer = setTimeout(() => {
        const at = this.#pushWaiters.indexOf(waiter);
        if (at >= 0) this.#pushWaiters.splice(at, 1);
        reject(new Error(notCame));
      }, timeoutMs);
      this.#pushWaiters.push(waiter);
    });
  }

  #contractError(): Error | undefined {
    if (this.contractErrors.length === 0) return undefined;
    return new Error(`pushes that break the contract (protocol/push.ts):\n${this.contractErrors.join('\n')}`);
  }
}
