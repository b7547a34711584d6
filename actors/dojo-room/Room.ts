import type { ServiceBroker } from 'moleculer';
import type { Logger } from '../../infra/logger';
import { LiveRoom, RoomFanout, type TurnResult } from '../../infra/rooms';
import type { AuthContext } from '../auth';
import type { ChatSink } from './ChatSink';
import { RoomChat } from './Chat';
import { Attendance } from './Attendance';
import { ConflictError, FencedOutError, ForbiddenError, ServiceBusyError } from './errors';
import type { MediaHooks, MediaSession, MediaSessionFactory } from '../../media/MediaSession';
import { byNode, Members, type MemberSession } from './Members';
import type { RoomMetrics } from './metrics';
import type { RoomOptions } from './options';
import type { Presence } from './Presence';
import { RoomCode } from './RoomCode';
import type { RoomStore } from './RoomStore';
import { DOJO_ROOMS, type DojoRecord, type PersistedRoom, type RoomKey, type RoomRole, type RosterEntry } from './types';
import { announceDataChanged } from '../dataChanged';

export interface RoomDeps {
  broker: ServiceBroker;
  store: RoomStore;
  chatSink: ChatSink;
  presence: Presence;
  media: MediaSessionFactory;
  options: RoomOptions;
  metrics: RoomMetrics;
  logger: Logger;
}

/** Why a room closes: the dojo stopped, nobody is left, the node stops, or it lost its lease. */
export type CloseReason = 'stopped' | 'empty' | 'shutdown' | 'lease-lost';

/**
 * One live dojo: its members, chat and code, on exactly one node at a time (the room kit's
 * LiveRoom: lease, mailbox, close). The signaling methods are in RoomSignals; this class is the
 * room's state and lifecycle (onCreate / onJoin / onLeave / onDispose).
 */
export class Room extends LiveRoom<CloseReason> {
  readonly topic: string;
  readonly members = new Members();
  readonly roster = new Map<string, RosterEntry>();
  readonly fanout: RoomFanout;
  readonly chat: RoomChat;
  readonly code: RoomCode;
  readonly media: MediaSession;
  readonly attendance: Attendance;
  #dojo: DojoRecord;
  #emptyTimer: NodeJS.Timeout | undefined;
  /** The sessions the previous activation had (presence), taken over by onCreate. */
  readonly #previous: readonly MemberSession[];

  constructor(
    readonly key: RoomKey,
    persisted: PersistedRoom,
    previous: readonly MemberSession[],
    readonly deps: RoomDeps,
  ) {
    super(deps.logger);
    this.#previous = previous;
    this.topic = DOJO_ROOMS.topic(key);
    this.#dojo = persisted.dojo;
    for (const entry of persisted.roster) this.roster.set(entry.userId, entry);
    this.fanout = new RoomFanout(deps.broker, this.topic, persisted.dojo.epoch, deps.metrics, deps.logger, key.dojoId);
    this.chat = new RoomChat(key, persisted.chat, {
      perSecond: deps.options.chatPerSecond,
      burst: deps.options.chatBurst,
      keep: deps.options.chatHistory,
      windowMs: deps.options.chatDedupWindowMs,
    });
    this.code = new RoomCode(key, persisted.dojo.epoch, persisted.code, deps.store, deps.options, deps.logger, (error) => this.#fencedOut(error));
    this.media = deps.media(key, this.#mediaHooks());
    this.attendance = new Attendance(key, persisted.dojo.epoch, deps.store, deps.logger, (error) => this.#fencedOut(error));
  }

  get epoch(): number {
    return this.#dojo.epoch;
  }

  get dojo(): Readonly<DojoRecord> {
    return this.#dojo;
  }

  /**
   * Starts the room: takes over the sessions a previous activation had (after a failover or a
   * restart), keeping only those whose socket is still there, and tells them the room moved.
   */
  protected async onCreate(): Promise<void> {
    const previous = this.#previous;
    this.deps.metrics.roomOpened();
    // A room without media still works (chat, code): media methods then answer unavailable.
    await this.media.ready?.().catch((err: unknown) => this.deps.logger.warn({ err, dojoId: this.key.dojoId }, 'room media did not start'));
    const alive = new Set(this.deps.broker.registry.nodes.list({ onlyAvailable: true, withServices: false }).map((n: { id: string }) => n.id));
    const checks = previous
      .filter((s) => alive.has(s.gatewayNodeId) && this.roster.get(s.userId)?.kicked !== true)
      .map(async (s) => {
        const delivered = await this.fanout.toSessions('room.updated', { reason: 'reactivated', seq: this.fanout.seq }, new Map([[s.gatewayNodeId, [s.sessionId]]]));
        return delivered > 0 ? s : undefined;
      });
    for (const s of await Promise.all(checks)) if (s) this.#admit(s, false);
    for (const s of previous) if (!this.members.session(s.sessionId)) this.deps.presence.remove(this.key, s);
    if (this.members.sessionCount === 0) this.#armEmptyTimer();
    if (this.#dojo.recording) {
      await this.media.startRecording().catch((err: unknown) => this.deps.logger.warn({ err, dojoId: this.key.dojoId }, 'the dojo records, but this activation of its room cannot'));
    }
  }

  /** The role a caller has in this dojo; throws when they may not be in it. */
  roleOf(auth: AuthContext): RoomRole {
    if (auth.tenantId !== this.key.tenantId) throw new ForbiddenError('Not a member of this dojo');
    const entry = this.roster.get(auth.userId);
    if (entry?.kicked) throw new ForbiddenError('You were removed from this dojo');
    if (auth.userId === this.#dojo.facilitatorId || auth.role === 'admin') return 'facilitator';
    if (!entry) throw new ForbiddenError('Not a member of this dojo');
    return entry.role;
  }

  canEdit(userId: string, role: RoomRole): boolean {
    if (role === 'observer' || this.#dojo.readOnly) return false;
    if (role === 'facilitator' || !this.#dojo.classroom) return true;
    return this.roster.get(userId)?.canEdit === true;
  }

  /** A session joins (or re-joins); throws when the room is full. */
  onJoin(session: MemberSession): void {
    const known = this.members.session(session.sessionId);
    if (known) {
      clearTimeout(known.departure);
      known.departure = undefined;
      return;
    }
    const present = this.members.user(session.userId);
    if (!present && session.role !== 'facilitator' && this.#headcount() >= this.#dojo.maxParticipants) {
      throw new ConflictError(this.#dojo.parentDojoId ? 'The breakout room is full' : 'The dojo is full');
    }
    // Shed a new member before the database pool starves (their attendance is a write); members already in are served.
    if (!present && this.deps.store.busy()) throw new ServiceBusyError(1);
    this.#admit(session, true);
  }

  /** A session leaves (by itself, timed out, ended, or kicked); its media closes with it, whoever else its user still is. */
  onLeave(sessionId: string, reason: 'left' | 'timeout' | 'ended' | 'kicked'): void {
    const removed = this.members.remove(sessionId);
    if (!removed) return;
    this.deps.presence.remove(this.key, removed.session);
    this.#background(this.media.removeSession(sessionId));
    const cursors = this.code.doc.removeSession(sessionId);
    const nodes = this.members.gatewayNodes();
    if (cursors) this.fanout.ephemeral('awareness.update', { state: Buffer.from(cursors).toString('base64'), userId: removed.session.userId }, nodes);
    if (removed.left) {
      const { userId, role, joinedAt } = removed.left;
      this.deps.metrics.participants(-1);
      this.fanout.push('participant.left', { userId, reason }, nodes);
      this.attendance.left(userId, (Date.now() - joinedAt) / 1000);
      // A participant gone from a dojo (past the departure timeout, or by leaving) frees the place
      // a running kata kept for them (the kata actor listens; protocol/kata.ts).
      if (role === 'participant' && !this.#dojo.parentDojoId) void this.deps.broker.emit('dojo.participant.left', { tenantId: this.key.tenantId, dojoId: this.key.dojoId, userId });
    }
    if (this.members.sessionCount === 0) this.#armEmptyTimer();
  }

  /** The socket of a session dropped: it stays a member for the departure timeout. */
  onDetached(sessionId: string): void {
    const session = this.members.session(sessionId);
    if (!session || session.departure) return;
    session.departure = setTimeout(() => {
      this.enqueue(() => this.onLeave(sessionId, 'timeout'));
    }, this.deps.options.departureTimeoutMs);
    session.departure.unref();
  }

  /**
   * The session came back within the gateway's resume window. Within the departure timeout it
   * never left; after it, the gateway still has it in the room, so it is taken back in.
   */
  onResumed(event: { sessionId: string; userId: string; nodeId: string }): void {
    const known = this.members.session(event.sessionId);
    const entry = this.roster.get(event.userId);
    if (!known && (!entry || entry.kicked)) return;
    const role = known?.role ?? (event.userId === this.#dojo.facilitatorId ? 'facilitator' : (entry as RosterEntry).role);
    try {
      this.onJoin({ sessionId: event.sessionId, userId: event.userId, role, gatewayNodeId: event.nodeId });
    } catch {
      // Full meanwhile: its next call is refused with the reason.
    }
  }

  /** A gateway node died: its sockets are gone, and nothing more can be delivered there. */
  onGatewayGone(nodeId: string): void {
    for (const s of this.members.allSessions()) if (s.gatewayNodeId === nodeId) this.onLeave(s.sessionId, 'ended');
  }

  /** Messages their author deleted through REST: members see them go, as with chat.delete. */
  onChatRemoved(messageIds: readonly string[], by: string): void {
    for (const messageId of this.chat.dropRemoved(messageIds)) this.fanout.push('chat.deleted', { messageId, by }, this.members.gatewayNodes());
  }

  /**
   * Starts or stops the recording (both idempotent), and keeps the choice with the dojo so the
   * room's next activation (after it closed idle, or on another node) records or not alike.
   * The caller checked that a facilitator asks.
   */
  async record(on: boolean): Promise<TurnResult<unknown>> {
    const value = await (on ? this.media.startRecording() : this.media.stopRecording());
    this.#dojo = { ...this.#dojo, recording: on };
    return { value, durable: this.deps.store.setRecording(this.key, this.epoch, on) };
  }

  setClassroom(enabled: boolean, editors: readonly string[]): void {
    this.#dojo = { ...this.#dojo, classroom: enabled };
    const allowed = new Set(editors);
    for (const entry of this.roster.values()) if (entry.role === 'participant') entry.canEdit = !enabled || allowed.has(entry.userId);
    for (const p of this.members.participants()) p.canEdit = this.canEdit(p.userId, p.role);
    this.fanout.push('room.updated', { reason: 'classroom', classroom: enabled, editors: [...allowed] }, this.members.gatewayNodes());
  }

  /**
   * A kata's deadline passed (read-only: nobody edits, facilitators included) or was extended.
   * The kata actor wrote it to the dojo row first, so every later activation agrees.
   */
  setReadOnly(readOnly: boolean): void {
    if (this.#dojo.readOnly === readOnly) return;
    this.#dojo = { ...this.#dojo, readOnly };
    for (const p of this.members.participants()) p.canEdit = this.canEdit(p.userId, p.role);
    this.fanout.push('room.updated', { reason: 'readOnly', readOnly }, this.members.gatewayNodes());
  }

  /** Users counted against max_participants: in a breakout room, visiting facilitators are not. */
  #headcount(): number {
    if (!this.#dojo.parentDojoId) return this.members.userCount;
    return this.members.participants().filter((p) => p.role !== 'facilitator').length;
  }

  protected onClosing(): void {
    clearTimeout(this.#emptyTimer);
    this.members.clearTimers();
  }

  /** Last words of an activation: tell members when the dojo ended, persist what is left. */
  protected async onDispose(reason: CloseReason, owner: boolean): Promise<void> {
    try {
      await this.#lastWords(reason, owner);
    } catch (err) {
      this.deps.logger.error({ err, dojoId: this.key.dojoId, reason }, 'room close failed');
    } finally {
      this.code.close();
      this.deps.metrics.roomClosed();
      this.deps.metrics.participants(-this.members.userCount);
    }
  }

  async #lastWords(reason: CloseReason, owner: boolean): Promise<void> {
    if (!owner) {
      this.attendance.discard();
      this.deps.logger.warn({ dojoId: this.key.dojoId }, 'room lost its lease; deactivated without writing');
      await this.media.close();
      return;
    }
    if (reason === 'stopped') {
      await this.fanout.toSessions('room.closed', { dojoId: this.key.dojoId, reason }, byNode(this.members.allSessions()), true);
      await this.deps.presence.clear(this.key);
    }
    if (reason === 'stopped' || reason === 'empty') void this.deps.broker.broadcast('dojo.room.closed', { topic: this.topic });
    await this.media.close();
    await this.code.finish();
    await this.attendance.close();
    await this.deps.store.closed(this.key, this.epoch);
  }

  #mediaHooks(): MediaHooks {
    return {
      push: (method, data, toSessionId) => {
        if (this.closing) return;
        const session = toSessionId === undefined ? undefined : this.members.session(toSessionId);
        if (session) void this.fanout.toSessions(method, data, byNode([session]));
        // A session gone already has nobody to tell.
        else if (toSessionId === undefined) this.fanout.push(method, data, this.members.gatewayNodes());
      },
      recordingStarted: (recordingId, startedAt) => this.deps.store.recordingStarted(this.key, this.epoch, recordingId, startedAt),
      recordingStopped: (recordingId) => this.deps.store.recordingStopped(this.key, recordingId),
      recordingFinished: async (outcome) => {
        await this.deps.store.recordingFinished(this.key, outcome);
        // A ready recording's bytes count in the tenant overview's storage.
        announceDataChanged(this.deps.broker, this.key.tenantId);
      },
    };
  }

  #admit(session: MemberSession, announce: boolean): void {
    const canEdit = this.canEdit(session.userId, session.role);
    const first = this.members.add(session, canEdit);
    clearTimeout(this.#emptyTimer);
    this.#emptyTimer = undefined;
    this.deps.presence.add(this.key, session);
    if (!first) return;
    this.deps.metrics.participants(1);
    const { userId, role } = session;
    if (!this.roster.has(userId)) this.roster.set(userId, { userId, role, canEdit: true, kicked: false });
    // Taken over too: an activation that lost its lease dropped what it had not written, and the
    // write is idempotent (the first join's time stays).
    this.attendance.joined(userId, role);
    if (!announce) return;
    this.fanout.push('participant.joined', { userId, role, muted: false, canEdit }, this.members.gatewayNodes());
  }

  #armEmptyTimer(): void {
    clearTimeout(this.#emptyTimer);
    this.#emptyTimer = setTimeout(() => {
      this.enqueue(() => {
        if (this.members.sessionCount === 0) void this.close('empty');
      });
    }, this.deps.options.emptyTimeoutMs);
    this.#emptyTimer.unref();
  }

  #fencedOut(error: FencedOutError): void {
    this.deps.logger.warn({ dojoId: this.key.dojoId, err: error }, 'a newer activation owns this room');
    void this.close('lease-lost');
  }

  /** A write that need not hold up the turn; a fenced one means this activation is stale. */
  #background(p: Promise<unknown>): void {
    p.catch((err: unknown) => {
      if (err instanceof FencedOutError) this.#fencedOut(err);
      else this.deps.logger.warn({ err, dojoId: this.key.dojoId }, 'room write failed');
    });
  }
}
