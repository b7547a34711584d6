import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'uWebSockets.js';
import { CLOSE_REASON, CloseCode } from '../../protocol/closeCodes';
import type { AuthContext } from '../../protocol/auth';
import { DeadlineWheel } from './deadline-wheel';
import type { TokenBucket } from '../../infra/tokenBucket';

/** Per-socket data uWS keeps for us. */
export interface SocketData {
  session: Session;
  bucket: TokenBucket;
  closed: boolean;
}

/** Ends a socket with a protocol close code and its reason; a socket already closing is left alone. */
export function closeSocket(ws: WebSocket<SocketData>, code: CloseCode): void {
  const data = ws.getUserData();
  if (data.closed) return;
  // Marked at once: nothing may be sent on it between end() and the close callback.
  data.closed = true;
  ws.end(code, CLOSE_REASON[code]);
}

export interface SessionRoom {
  topic: string;
  action: string;
  owner?: string;
}

/**
 * A client's signaling session. It outlives its socket for `resumeWindowMs` so a mobile client
 * that loses its connection can resume where it was instead of rejoining.
 */
export class Session {
  socket: WebSocket<SocketData> | undefined;
  /**
   * The rooms this session has joined, by room id: several at once (a facilitator watching
   * breakout rooms). Each keeps the topic its pushes come on, the action that serves it, and
   * the node its last reply came from (the room's owner: a hint, see timed-call.ts preferNode).
   */
  readonly rooms = new Map<string, SessionRoom>();
  detachedAt: number | undefined;

  constructor(
    readonly id: string,
    /** Claims of the access token the socket last presented; written by SessionRegistry only. */
    public auth: AuthContext,
    /** When that token expires (ms): the socket closes then unless refreshed. */
    public expiresAt: number,
  ) {}

  /**
   * The room a call is for: the one its data names (`dojoId`), else the session's only room.
   * Undefined when the session is in several and the call names none: the actor says so.
   */
  roomFor(data: unknown): string | undefined {
    const named = (data as { dojoId?: unknown } | undefined)?.dojoId;
    if (typeof named === 'string') return named;
    return this.rooms.size === 1 ? this.rooms.keys().next().value : undefined;
  }

  /** Leaves the room with `topic` (every room without one), unsubscribing its open socket `ws`. */
  leave(ws: WebSocket<SocketData>, topic?: string): void {
    for (const [id, room] of this.rooms) {
      if (topic !== undefined && room.topic !== topic) continue;
      ws.unsubscribe(room.topic);
      this.rooms.delete(id);
    }
  }
}

export interface SessionEvents {
  opened(session: Session): void;
  detached(session: Session): void;
  resumed(session: Session): void;
  ended(session: Session): void;
}

/**
 * The signaling sessions of this node. Sessions are also indexed by the login session of their
 * token (`auth.sessionId`), so a revocation finds its sockets without a scan: gateways that
 * join the cluster are re-sent every live revocation at once.
 *
 * Each session has one deadline: its token's expiry while a socket carries it, the end of the
 * resume window once detached. Deadlines sit in a wheel of one-second slots, so the tick each
 * second touches only the sessions due, never all of them (measured at 100k sessions: a tick
 * costs ~75 us where a full scan costs 5-7 ms; a timer per socket would be re-armed on every
 * refresh and resume).
 */
export class SessionRegistry {
  readonly #sessions = new Map<string, Session>();
  readonly #byLogin = new Map<string, Set<Session>>();
  readonly #deadlines = new DeadlineWheel<Session>(1_000);
  readonly #timer: NodeJS.Timeout;

  constructor(
    readonly resumeWindowMs: number,
    readonly events: SessionEvents,
  ) {
    this.#timer = setInterval(() => this.#tick(), 1_000).unref();
  }

  open(auth: AuthContext, expiresAt: number): Session {
    const session = new Session(randomUUID(), auth, expiresAt);
    this.#sessions.set(session.id, session);
    this.#index(session);
    this.#deadlines.schedule(session, expiresAt);
    this.events.opened(session);
    return session;
  }

  get(id: string): Session | undefined {
    return this.#sessions.get(id);
  }

  /** The socket went away: keep the session for a resume. */
  detach(session: Session, now = Date.now()): void {
    session.socket = undefined;
    session.detachedAt = now;
    this.#deadlines.schedule(session, now + this.resumeWindowMs);
    this.events.detached(session);
  }

  /** Ends a session for good (resume window passed, replaced by a resume, or revoked). */
  end(session: Session, notify = true): void {
    if (!this.#sessions.delete(session.id)) return;
    this.#unindex(session);
    this.#deadlines.cancel(session);
    if (notify) this.events.ended(session);
  }

  /**
   * Moves `old` onto the socket that currently carries `current` (which is dropped silently:
   * it never joined anything). Only the same user may take a session over; the session takes
   * the claims and expiry of the token the new socket was opened with.
   */
  resume(old: Session, current: Session): Session | undefined {
    if (old === current) return old;
    if (old.auth.userId !== current.auth.userId || old.auth.tenantId !== current.auth.tenantId) return undefined;
    const previousSocket = old.socket;
    old.socket = current.socket;
    old.detachedAt = undefined;
    current.socket = undefined;
    this.end(current, false);
    this.#unindex(old);
    old.auth = current.auth;
    old.expiresAt = current.expiresAt;
    this.#index(old);
    this.#deadlines.schedule(old, old.expiresAt);
    // A half-open socket still holding the old session must not keep receiving its pushes.
    if (previousSocket) closeSocket(previousSocket, CloseCode.RESUMED_ELSEWHERE);
    this.events.resumed(old);
    return old;
  }

  /**
   * Hands a session the claims of a fresh token (a role change included) and moves its expiry.
   * False when the token belongs to another user or login session: a socket never changes hands.
   */
  refresh(session: Session, auth: AuthContext, expiresAt: number): boolean {
    const was = session.auth;
    if (auth.userId !== was.userId || auth.tenantId !== was.tenantId || auth.sessionId !== was.sessionId) return false;
    session.auth = auth;
    session.expiresAt = expiresAt;
    this.#deadlines.schedule(session, expiresAt);
    return true;
  }

  /**
   * The login session `loginId` was revoked: its sockets close and its signaling sessions end
   * now, so none can be resumed. Returns how many sessions ended.
   */
  revoke(loginId: string): number {
    const sessions = this.#byLogin.get(loginId);
    if (!sessions) return 0;
    const ending = [...sessions];
    for (const session of ending) {
      const socket = session.socket;
      // Cleared first, so the close callback does not detach a session that is ending.
      session.socket = undefined;
      if (socket) closeSocket(socket, CloseCode.SESSION_REVOKED);
      this.end(session);
    }
    return ending.length;
  }

  get size(): number {
    return this.#sessions.size;
  }

  closeSockets(code: CloseCode): void {
    for (const session of this.#sessions.values()) if (session.socket) closeSocket(session.socket, code);
  }

  close(): void {
    clearInterval(this.#timer);
  }

  #index(session: Session): void {
    const login = session.auth.sessionId;
    let set = this.#byLogin.get(login);
    if (!set) this.#byLogin.set(login, (set = new Set()));
    set.add(session);
  }

  #unindex(session: Session): void {
    const login = session.auth.sessionId;
    const set = this.#byLogin.get(login);
    if (set?.delete(session) && set.size === 0) this.#byLogin.delete(login);
  }

  #tick(now = Date.now()): void {
    for (const session of this.#deadlines.due(now)) {
      // The socket closes and detaches (scheduling the resume window): a client that refreshes
      // over REST reconnects and resumes. A session without a socket at its deadline is done.
      if (session.socket) closeSocket(session.socket, CloseCode.TOKEN_EXPIRED);
      else this.end(session);
    }
  }
}
