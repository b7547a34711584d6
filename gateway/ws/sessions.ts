import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'uWebSockets.js';
import type { AuthContext } from '../auth';
import { TokenBucket } from './token-bucket';

/** Per-socket data uWS keeps for us. */
export interface SocketData {
  auth: AuthContext;
  session: Session;
  bucket: TokenBucket;
  closed: boolean;
}

/**
 * A client's signaling session. It outlives its socket for `resumeWindowMs` so a mobile client
 * that loses its connection can resume where it was instead of rejoining.
 */
export class Session {
  socket: WebSocket<SocketData> | undefined;
  /** The room this session has joined and the topic its pushes come on. */
  room: { dojoId: string; topic: string } | undefined;
  detachedAt: number | undefined;

  constructor(
    readonly id: string,
    readonly auth: AuthContext,
  ) {}
}

export interface SessionEvents {
  opened(session: Session): void;
  detached(session: Session): void;
  resumed(session: Session): void;
  ended(session: Session): void;
}

export class SessionRegistry {
  readonly #sessions = new Map<string, Session>();
  readonly #timer: NodeJS.Timeout;

  constructor(
    readonly resumeWindowMs: number,
    readonly events: SessionEvents,
  ) {
    this.#timer = setInterval(() => this.#expire(), Math.min(5_000, resumeWindowMs)).unref();
  }

  open(auth: AuthContext): Session {
    const session = new Session(randomUUID(), auth);
    this.#sessions.set(session.id, session);
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
    this.events.detached(session);
  }

  /** Ends a session for good (resume window passed, or it was replaced by a resume). */
  end(session: Session, notify = true): void {
    if (!this.#sessions.delete(session.id)) return;
    if (notify) this.events.ended(session);
  }

  /**
   * Moves `old` onto the socket that currently carries `current` (which is dropped silently:
   * it never joined anything). Only the same user may take a session over.
   */
  resume(old: Session, current: Session): Session | undefined {
    if (old === current) return old;
    if (old.auth.userId !== current.auth.userId || old.auth.tenantId !== current.auth.tenantId) return undefined;
    const previousSocket = old.socket;
    old.socket = current.socket;
    old.detachedAt = undefined;
    current.socket = undefined;
    this.end(current, false);
    // A half-open socket still holding the old session must not keep receiving its pushes.
    if (previousSocket) {
      const data = previousSocket.getUserData();
      if (!data.closed) previousSocket.end(4000, 'session resumed elsewhere');
    }
    this.events.resumed(old);
    return old;
  }

  get size(): number {
    return this.#sessions.size;
  }

  closeSockets(code: number, reason: string): void {
    for (const session of this.#sessions.values()) {
      const socket = session.socket;
      if (socket && !socket.getUserData().closed) socket.end(code, reason);
    }
  }

  close(): void {
    clearInterval(this.#timer);
  }

  #expire(now = Date.now()): void {
    for (const session of this.#sessions.values()) {
      if (session.detachedAt !== undefined && now - session.detachedAt > this.resumeWindowMs) this.end(session);
    }
  }
}
