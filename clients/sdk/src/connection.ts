import { CloseCode } from '../../../protocol/closeCodes';
import type { ErrorCode, FieldError } from '../../../protocol/errors';
import type { PushData, PushFrame, PushMethod } from '../../../protocol/push';
import type { WsMethod } from '../../../protocol/ws';
import type { Auth } from './auth';
import { backoffDelay, type BackoffOptions } from './backoff';
import { PocdojoError } from './errors';
import { Emitter } from './events';
import type { WsReply, WsRequestData } from './wire';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each runtime types its events its own way
type Handler = ((event: any) => void) | null;

/** The WebSocket the SDK needs: the browser's, React Native's, or Node's `ws` package. */
export interface WebSocketLike {
  onopen: Handler;
  onmessage: Handler;
  onclose: Handler;
  onerror: Handler;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
export type WebSocketConstructor = new (url: string, protocols: string[]) => WebSocketLike;

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface ConnectionOptions {
  /** `wss://api.example.com/v1/ws`. */
  url: string;
  auth: Auth;
  /** The WebSocket class; the global one when omitted (browsers, React Native; Node 20 needs `ws`). */
  WebSocket?: WebSocketConstructor;
  /** A request unanswered after this long rejects with REQUEST_TIMEOUT (ms). Default 10 s. */
  requestTimeoutMs?: number;
  /** Refresh the access token this long before it expires, and tell the socket (ms). Default 60 s. */
  refreshMarginMs?: number;
  backoff?: BackoffOptions;
  /**
   * Ping this often (ms); a ping unanswered for as long means the path is dead. Default: the
   * server's `heartbeatMs` (from session.welcome). A phone app may want to notice sooner.
   */
  heartbeatMs?: number;
}

export type ConnectionEvents = {
  state: [ConnectionState];
  /** The socket is back after a drop and the server kept the session: what was missed was replayed. */
  resumed: [{ replayed: number }];
  /** The socket is back but the server no longer has the session: rooms must be joined again. */
  reset: [];
  /** The connection ended for good: closed by the app, the login session ended, or another socket took the session. */
  closed: [{ code: number; reason: string }];
  /** The socket took a fresh access token (session.refresh): it now closes at `expiresAt` unless refreshed again. */
  refreshed: [{ expiresAt: number }];
  /** Every push (after the seq check), as the union of PushFrame: switch on `method` to narrow `data`. */
  push: [PushFrame];
  /** Something went wrong that the caller did not ask about (a listener threw, a token refresh failed). */
  error: [unknown];
};

type PushEvents = { [M in PushMethod]: [PushData<M>, PushFrame<M>] };

interface Pending {
  resolve(data: unknown): void;
  reject(error: PocdojoError): void;
  timer: ReturnType<typeof setTimeout>;
}

interface ReplyFrame {
  id: string | number | null;
  ok: boolean;
  data?: unknown;
  error?: { code: ErrorCode; message: string; fields?: FieldError[] };
}

/** Close codes after which reconnecting is pointless (protocol/closeCodes.ts). */
const FINAL: ReadonlySet<number> = new Set([CloseCode.RESUMED_ELSEWHERE, CloseCode.SESSION_REVOKED]);

const unref = (timer: ReturnType<typeof setTimeout>) => (timer as { unref?: () => void }).unref?.();

/**
 * One WebSocket to `/v1/ws`, kept alive: requests matched to replies by id with a timeout,
 * typed pushes, reconnect with backoff and `session.resume` (what the session missed is replayed
 * in order, and a push seen twice is dropped by its seq), `session.refresh` before the access
 * token expires, and a heartbeat that notices a socket the network silently dropped.
 *
 * A request made while the socket is down waits for it (up to its timeout); a request in flight
 * when it drops rejects with CONNECTION_LOST, since the server may or may not have run it: the
 * caller decides whether it is safe to send again (Room does for chat and code, which are).
 */
export class Connection extends Emitter<ConnectionEvents> {
  readonly pushes = new Emitter<PushEvents>((event, error) => this.emit('error', Object.assign(new Error(`push listener for ${event} threw`), { cause: error })));
  readonly #options: ConnectionOptions;
  readonly #WebSocket: WebSocketConstructor;
  readonly #pending = new Map<number, Pending>();
  readonly #waitingForOpen = new Set<{ resolve(): void; reject(error: PocdojoError): void }>();
  #socket: WebSocketLike | undefined;
  #state: ConnectionState = 'idle';
  #nextId = 1;
  #attempt = 0;
  #sessionId: string | undefined;
  #lastSeq = 0;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #refreshTimer: ReturnType<typeof setTimeout> | undefined;
  #offAuth: () => void;
  /** The access token the socket holds (opened with, or last sent in session.refresh). */
  #socketToken: string | undefined;

  constructor(options: ConnectionOptions) {
    super((event, error) => queueMicrotask(() => this.emit('error', Object.assign(new Error(`listener for ${event} threw`), { cause: error }))));
    this.#options = options;
    const WebSocketClass = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!WebSocketClass) throw new TypeError('No WebSocket in this runtime: pass options.WebSocket (in Node 20, the `ws` package)');
    this.#WebSocket = WebSocketClass;
    // A token refreshed for any reason (a REST call found it expired, the timer below) moves the socket's expiry too.
    this.#offAuth = options.auth.on('changed', (credentials) => {
      if (!credentials || this.#state !== 'open') return;
      if (credentials.accessToken !== this.#socketToken) this.#sendRefresh(credentials.accessToken);
      // The same token again (issued within the same second): nothing to tell the socket, but plan the next refresh.
      else this.#scheduleRefresh();
    });
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** The server's id of this signaling session (kept across resumes). */
  get sessionId(): string | undefined {
    return this.#sessionId;
  }

  /** The seq of the last push seen, what session.resume asks to continue from. */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Where pushes stand after a join (the join reply's seq): the room's earlier pushes are already in its reply. */
  resetSeq(seq: number): void {
    this.#lastSeq = seq;
  }

  /** The socket in use (to cut it in a test, or read what the runtime exposes). */
  get socket(): WebSocketLike | undefined {
    return this.#socket;
  }

  /** Opens the socket; resolves once the server has welcomed it. */
  async connect(): Promise<void> {
    if (this.#state === 'closed') throw new PocdojoError('CLOSED', 'This connection was closed; make a new one');
    if (this.#state === 'idle') void this.#open();
    await this.#whenOpen(this.#options.requestTimeoutMs ?? 10_000);
  }

  /** Listens to one push, typed by its method; returns the function that stops listening. */
  onPush<M extends PushMethod>(method: M, listener: (data: PushData<M>, frame: PushFrame<M>) => void): () => void {
    return this.pushes.on(method, listener as (...args: PushEvents[M]) => void);
  }

  /** Sends a request and resolves with its reply's data; rejects with the server's error as a PocdojoError. */
  async request<M extends WsMethod>(method: M, data: WsRequestData<M>, options: { timeoutMs?: number } = {}): Promise<WsReply<M>> {
    const timeoutMs = options.timeoutMs ?? this.#options.requestTimeoutMs ?? 10_000;
    const started = Date.now();
    if (this.#state !== 'open') await this.#whenOpen(timeoutMs);
    return this.#send(method, data, Math.max(1, timeoutMs - (Date.now() - started))) as Promise<WsReply<M>>;
  }

  /** Closes for good (no reconnect). Requests in flight reject with CLOSED. */
  close(): void {
    if (this.#state === 'closed') return;
    const socket = this.#socket;
    const error = new PocdojoError('CLOSED', 'Connection closed');
    this.#teardown(error);
    this.#offAuth();
    this.#setState('closed');
    for (const waiter of this.#waitingForOpen) waiter.reject(error);
    this.#waitingForOpen.clear();
    socket?.close(1000, 'client closed');
    this.emit('closed', { code: 1000, reason: 'client closed' });
  }

  async #open(): Promise<void> {
    this.#setState(this.#sessionId ? 'reconnecting' : 'connecting');
    let token: string;
    try {
      // A socket opened with a token about to expire would be closed with TOKEN_EXPIRED shortly after.
      token = await this.#options.auth.accessToken(this.#options.refreshMarginMs ?? 60_000);
    } catch (error) {
      if (error instanceof PocdojoError && !error.retryable) return this.#final(CloseCode.SESSION_REVOKED, error.message);
      return this.#scheduleReconnect();
    }
    if (this.#state === 'closed') return;
    // The token travels as a subprotocol: browsers cannot set headers on a WebSocket, and a query string ends up in logs.
    let socket: WebSocketLike;
    try {
      socket = new this.#WebSocket(this.#options.url, ['pocdojo.v1', token]);
    } catch (error) {
      // A URL the runtime refuses: no retry will take it.
      this.emit('error', error);
      return this.#final(1006, `Cannot open ${this.#options.url}: ${(error as Error).message}`);
    }
    this.#socket = socket;
    this.#socketToken = token;
    socket.onmessage = (event: { data: unknown }) => {
      if (this.#socket === socket) this.#onMessage(typeof event.data === 'string' ? event.data : String(event.data));
    };
    socket.onclose = (event: { code?: number; reason?: string }) => {
      if (this.#socket === socket) this.#onClose(event.code ?? 1006, event.reason ?? '');
    };
    // An error is followed by a close, which is where it is handled.
    socket.onerror = () => {};
  }

  #onMessage(raw: string): void {
    let frame: { id?: unknown; method?: unknown; data?: unknown; seq?: unknown };
    try {
      frame = JSON.parse(raw) as typeof frame;
    } catch {
      return;
    }
    if (frame.id !== undefined) return this.#onReply(frame as ReplyFrame);
    if (typeof frame.method !== 'string') return;
    if (frame.method === 'session.welcome') return void this.#onWelcome(frame.data as PushData<'session.welcome'>);
    if (typeof frame.seq === 'number') {
      // Replayed after a resume, or delivered around a join: the seq says whether it was seen.
      if (frame.seq <= this.#lastSeq) return;
      this.#lastSeq = frame.seq;
    }
    if (frame.method === 'room.updated' && (frame.data as PushData<'room.updated'>).reason === 'reactivated') {
      // The room moved nodes and counts from its new seq; its pushes from here on follow that.
      this.#lastSeq = (frame.data as { seq: number }).seq;
    }
    // Typed listeners first (a Room updates its state there), then those of every push.
    this.pushes.emit(frame.method as PushMethod, frame.data as never, frame as never);
    this.emit('push', frame as PushFrame);
  }

  #onReply(frame: ReplyFrame): void {
    if (typeof frame.id !== 'number') return;
    const pending = this.#pending.get(frame.id);
    if (!pending) return;
    this.#pending.delete(frame.id);
    clearTimeout(pending.timer);
    if (frame.ok) pending.resolve(frame.data);
    else pending.reject(new PocdojoError(frame.error?.code ?? 'INTERNAL', frame.error?.message ?? 'Request failed', frame.error?.fields ?? []));
  }

  async #onWelcome(welcome: PushData<'session.welcome'>): Promise<void> {
    const previous = this.#sessionId;
    let resumed: { replayed: number } | undefined;
    if (previous) {
      try {
        const reply = await this.#send('session.resume', { sessionId: previous, lastSeq: this.#lastSeq }, this.#options.requestTimeoutMs ?? 10_000);
        resumed = { replayed: reply.replayed };
      } catch (error) {
        // The socket dropped again while resuming: its close handler retries.
        if (error instanceof PocdojoError && error.retryable) return;
        // RESUME_EXPIRED (gone, or too much missed) or FORBIDDEN: carry on with the new session.
      }
    }
    this.#sessionId = resumed ? previous : welcome.sessionId;
    this.#attempt = 0;
    this.#startHeartbeat(this.#options.heartbeatMs ?? welcome.heartbeatMs);
    this.#scheduleRefresh();
    this.#setState('open');
    for (const waiter of [...this.#waitingForOpen]) waiter.resolve();
    this.#waitingForOpen.clear();
    if (resumed) this.emit('resumed', resumed);
    else if (previous) this.emit('reset');
  }

  #onClose(code: number, reason: string): void {
    this.#teardown(new PocdojoError('CONNECTION_LOST', `Connection lost (${code}${reason ? `: ${reason}` : ''}); the request may or may not have been served`));
    if (this.#state === 'closed') return;
    if (FINAL.has(code)) return this.#final(code, reason);
    // TOKEN_EXPIRED: #open refreshes first, the token being within the margin by then.
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    this.#setState('reconnecting');
    const delay = backoffDelay(this.#attempt++, this.#options.backoff);
    this.#reconnectTimer = setTimeout(() => void this.#open(), delay);
  }

  #final(code: number, reason: string): void {
    this.#teardown(new PocdojoError('SESSION_ENDED', reason || 'Session ended'));
    this.#setState('closed');
    this.#offAuth();
    for (const waiter of this.#waitingForOpen) waiter.reject(new PocdojoError('SESSION_ENDED', reason || 'Session ended'));
    this.#waitingForOpen.clear();
    this.emit('closed', { code, reason });
  }

  /** Drops the socket's timers and its requests in flight (rejected with `error`). */
  #teardown(error: PocdojoError): void {
    clearInterval(this.#heartbeat);
    clearTimeout(this.#reconnectTimer);
    clearTimeout(this.#refreshTimer);
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket) {
      // No-ops rather than null: Node's `ws` throws an 'error' event nobody listens to (a socket closed while connecting).
      const ignore = () => {};
      socket.onmessage = socket.onclose = socket.onerror = ignore;
    }
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    this.#pending.clear();
  }

  #send<M extends WsMethod>(method: M, data: WsRequestData<M>, timeoutMs: number): Promise<WsReply<M>> {
    const socket = this.#socket;
    if (!socket) return Promise.reject(new PocdojoError('NOT_CONNECTED', `${method}: not connected`));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new PocdojoError('REQUEST_TIMEOUT', `${method} had no answer in ${timeoutMs} ms`));
      }, timeoutMs);
      unref(timer);
      this.#pending.set(id, { resolve: resolve as (data: unknown) => void, reject, timer });
      try {
        socket.send(JSON.stringify({ id, method, data }));
      } catch {
        this.#pending.delete(id);
        clearTimeout(timer);
        reject(new PocdojoError('CONNECTION_LOST', `${method}: the socket refused the frame`));
      }
    });
  }

  #whenOpen(timeoutMs: number): Promise<void> {
    if (this.#state === 'open') return Promise.resolve();
    if (this.#state === 'closed') return Promise.reject(new PocdojoError('CLOSED', 'Connection closed'));
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error: PocdojoError) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        this.#waitingForOpen.delete(waiter);
        reject(new PocdojoError('NOT_CONNECTED', `Not connected after ${timeoutMs} ms; still trying`));
      }, timeoutMs);
      unref(timer);
      this.#waitingForOpen.add(waiter);
    });
  }

  /**
   * A ping every heartbeat; one unanswered within a heartbeat means the path is dead (a phone
   * switched networks, a NAT forgot us) though no close arrived: drop the socket and reconnect.
   */
  #startHeartbeat(heartbeatMs: number): void {
    clearInterval(this.#heartbeat);
    const socket = this.#socket;
    this.#heartbeat = setInterval(() => {
      this.#send('ping', {}, heartbeatMs).catch((error: unknown) => {
        if (error instanceof PocdojoError && error.code === 'REQUEST_TIMEOUT' && this.#socket === socket) {
          socket?.close(4100, 'heartbeat lost');
          this.#onClose(1006, 'heartbeat lost');
        }
      });
    }, heartbeatMs);
    unref(this.#heartbeat);
  }

  /** Refreshes the access token a margin before it expires; the `changed` listener then tells the socket. */
  #scheduleRefresh(): void {
    clearTimeout(this.#refreshTimer);
    const credentials = this.#options.auth.credentials;
    if (!credentials) return;
    const margin = this.#options.refreshMarginMs ?? 60_000;
    // At least a second apart, so a margin longer than the token's life cannot spin.
    const delay = Math.max(1_000, credentials.expiresAt - margin - Date.now());
    this.#refreshTimer = setTimeout(() => {
      this.#options.auth.refresh(credentials.accessToken).catch((error: unknown) => this.emit('error', error));
    }, delay);
    unref(this.#refreshTimer);
  }

  #sendRefresh(token: string): void {
    this.#socketToken = token;
    this.#send('session.refresh', { token }, this.#options.requestTimeoutMs ?? 10_000).then(
      ({ expiresAt }) => {
        this.#scheduleRefresh();
        this.emit('refreshed', { expiresAt });
      },
      (error: unknown) => {
        // A drop mid-refresh is fine: the reconnect opens the socket with the new token.
        if (!(error instanceof PocdojoError && error.retryable)) this.emit('error', error);
      },
    );
  }

  #setState(state: ConnectionState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.emit('state', state);
  }
}
