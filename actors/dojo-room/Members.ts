import type { RoomRole } from './types';

/** One signaling session in the room; a user may have several (phone and laptop). */
export interface MemberSession {
  sessionId: string;
  userId: string;
  role: RoomRole;
  /** The gateway node holding the socket: pushes for this session go there. */
  gatewayNodeId: string;
  /** Set while the socket is gone and the departure timeout runs. */
  departure?: NodeJS.Timeout;
}

export interface Participant {
  userId: string;
  role: RoomRole;
  muted: boolean;
  canEdit: boolean;
  joinedAt: number;
  sessions: Set<string>;
}

/**
 * Who is in the room, by session and by user. `participant.joined|left` are about users: the
 * first session of a user joins them, the last one to go makes them leave.
 */
export class Members {
  readonly #sessions = new Map<string, MemberSession>();
  readonly #users = new Map<string, Participant>();

  /** Adds (or re-points) a session; true when its user was not in the room before. */
  add(session: MemberSession, canEdit: boolean, now = Date.now()): boolean {
    const existing = this.#sessions.get(session.sessionId);
    if (existing) {
      existing.gatewayNodeId = session.gatewayNodeId;
      return false;
    }
    this.#sessions.set(session.sessionId, session);
    const user = this.#users.get(session.userId);
    if (user) {
      user.sessions.add(session.sessionId);
      return false;
    }
    this.#users.set(session.userId, { userId: session.userId, role: session.role, muted: false, canEdit, joinedAt: now, sessions: new Set([session.sessionId]) });
    return true;
  }

  /** Removes a session; returns its user when that was the user's last session. */
  remove(sessionId: string): { session: MemberSession; left?: Participant } | undefined {
    const session = this.#sessions.get(sessionId);
    if (!session) return undefined;
    clearTimeout(session.departure);
    this.#sessions.delete(sessionId);
    const user = this.#users.get(session.userId);
    user?.sessions.delete(sessionId);
    if (!user || user.sessions.size > 0) return { session };
    this.#users.delete(session.userId);
    return { session, left: user };
  }

  session(sessionId: string): MemberSession | undefined {
    return this.#sessions.get(sessionId);
  }

  user(userId: string): Participant | undefined {
    return this.#users.get(userId);
  }

  sessionsOf(userId: string): MemberSession[] {
    return [...(this.#users.get(userId)?.sessions ?? [])].map((id) => this.#sessions.get(id) as MemberSession);
  }

  /** Distinct gateway nodes holding members: one delivery each. */
  gatewayNodes(): Set<string> {
    const nodes = new Set<string>();
    for (const s of this.#sessions.values()) nodes.add(s.gatewayNodeId);
    return nodes;
  }

  participants(): Participant[] {
    return [...this.#users.values()];
  }

  get userCount(): number {
    return this.#users.size;
  }

  get sessionCount(): number {
    return this.#sessions.size;
  }

  allSessions(): MemberSession[] {
    return [...this.#sessions.values()];
  }

  clearTimers(): void {
    for (const s of this.#sessions.values()) clearTimeout(s.departure);
  }
}

/** Groups sessions by gateway node (for `gateway.sendToSessions`). */
export function byNode(sessions: readonly MemberSession[]): Map<string, string[]> {
  const nodes = new Map<string, string[]>();
  for (const s of sessions) nodes.set(s.gatewayNodeId, [...(nodes.get(s.gatewayNodeId) ?? []), s.sessionId]);
  return nodes;
}
