import type { RoomRole } from '../../../protocol/auth';
import type { PushData, PushFrame, PushMethod } from '../../../protocol/push';
import type { WsMethod } from '../../../protocol/ws';
import { ChatOutbox, type OutgoingMessage } from './chat';
import { SharedCode } from './code';
import type { Connection } from './connection';
import { PocdojoError } from './errors';
import { Emitter } from './events';
import { newClientMsgId } from './ids';
import type { MediaClient, MediaPush, RoomMediaContext } from './media';
import type { ChatMessage, JoinReply, Participant, WsReply, WsRequestData } from './wire';

export type RoomState = 'joining' | 'joined' | 'rejoining' | 'left' | 'kicked' | 'closed';

export type RoomEvents = {
  state: [RoomState];
  /** Joined, or joined again after the server forgot the session (everything below was refreshed from the reply). */
  joined: [JoinReply];
  /** The member list changed (joined, left, muted, classroom editors). */
  members: [ReadonlyMap<string, Participant>];
  /** A chat message not seen before, in arrival order. */
  chat: [ChatMessage];
  chatDeleted: [{ messageId: string; by: string }];
  /** A breakout room's time is up (true: make the editor read-only; edits are not sent) or was extended (false). */
  readOnly: [boolean];
  /** Recording started (its id) or stopped (null). */
  recording: [string | null];
  /** A facilitator muted `userId` (this user included). */
  muted: [{ userId: string; by: string }];
  /** A facilitator removed this user from the dojo: the room is left. */
  kicked: [{ by: string }];
  /** The dojo was stopped: the room is left. */
  closed: [];
  /** Every push of the room, typed (the union): also those the Room does not interpret (kata.*, code.* results). */
  push: [PushFrame];
  /** The shared code was replaced by its next generation (code.reset): bind the editor to `room.code.doc` again. */
  codeReloaded: [];
  /** A local action the server refused after the fact (a code edit of an observer, in classroom mode). */
  error: [unknown];
};

export interface RoomOptions {
  /** Media, when the app has a MediaClient (see media.ts); without one the room is chat, code and people. */
  media?: MediaClient;
}

type RoomRequest = Exclude<WsMethod, 'ping' | `session.${string}` | 'room.join'>;

/**
 * One dojo room over a Connection: members kept from participant.* pushes, chat that survives
 * reconnects (see ChatOutbox), the shared code (see SharedCode), facilitator actions. After a
 * drop the Connection resumes the session (the room's missed pushes are replayed); when the
 * server no longer had it, the Room joins again and rebuilds from the join reply.
 *
 * A Connection carries one Room at a time: pushes do not name their room, so two rooms on one
 * socket could not be told apart (a facilitator watching breakout rooms opens one Connection each).
 */
export class Room extends Emitter<RoomEvents> {
  readonly code: SharedCode;
  readonly #connection: Connection;
  readonly #userId: string;
  readonly #members = new Map<string, Participant>();
  readonly #messages = new Map<string, ChatMessage>();
  readonly #outbox: ChatOutbox;
  readonly #media: MediaClient | undefined;
  readonly #off: Array<() => void> = [];
  #state: RoomState = 'joining';
  #role: RoomRole = 'participant';
  /** Whether this user may edit apart from the room being read-only (classroom mode, role). */
  #canEdit = false;
  #readOnly = false;
  #recording: string | null = null;

  /** Use `Client.join` (or `Room.join`). */
  private constructor(
    connection: Connection,
    readonly dojoId: string,
    userId: string,
    options: RoomOptions,
  ) {
    super((event, error) => queueMicrotask(() => this.emit('error', Object.assign(new Error(`listener for ${event} threw`), { cause: error }))));
    this.#connection = connection;
    this.#userId = userId;
    this.#media = options.media;
    this.#outbox = new ChatOutbox(
      (message) => this.request('chat.send', { text: message.text, clientMsgId: message.clientMsgId }),
      () => this.#userId,
    );
    this.code = new SharedCode({
      sendUpdate: (update, generation) => this.request('code.update', { update, generation }),
      sendAwareness: (state) => this.request('awareness.update', { state }),
      refused: (error) => this.emit('error', error),
      reloaded: () => this.emit('codeReloaded'),
      resync: () => this.#rejoin(),
    });
  }

  /** Joins `dojoId` on `connection` as `userId` (the logged-in user). */
  static async join(connection: Connection, dojoId: string, userId: string, options: RoomOptions = {}): Promise<Room> {
    const room = new Room(connection, dojoId, userId, options);
    room.#listen();
    try {
      await room.#join();
    } catch (error) {
      room.#dispose('left');
      throw error;
    }
    return room;
  }

  get state(): RoomState {
    return this.#state;
  }

  /** This user's role in the room. */
  get role(): RoomRole {
    return this.#role;
  }

  /** Whether this user may edit the code now (observers never; in classroom mode, chosen participants; nobody while read-only). */
  get canEdit(): boolean {
    return this.#canEdit && !this.#readOnly;
  }

  /** A breakout room whose time is up: the code is read-only for everyone until the facilitator extends it. */
  get readOnly(): boolean {
    return this.#readOnly;
  }

  /** Who is in the room, by user id. */
  get members(): ReadonlyMap<string, Participant> {
    return this.#members;
  }

  /** The chat as known: the join reply's recent messages, then every one since, oldest first. */
  get messages(): ChatMessage[] {
    // Two messages of one millisecond keep the order they arrived in, the room's order (the sort is stable).
    return [...this.#messages.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** Messages sent but not yet acknowledged (shown as "sending…"). */
  get pendingMessages(): readonly OutgoingMessage[] {
    return this.#outbox.pending;
  }

  /** The id of the recording in progress, or null. */
  get recording(): string | null {
    return this.#recording;
  }

  /**
   * Sends a chat message; resolves once the server has it (across reconnects: the same
   * clientMsgId is sent again until acknowledged, and the server keeps one message per id).
   */
  async sendChat(text: string, clientMsgId: string = newClientMsgId()): Promise<ChatMessage> {
    this.#assertActive();
    return this.#outbox.enqueue(text, clientMsgId);
  }

  deleteChat(messageId: string): Promise<WsReply<'chat.delete'>> {
    return this.request('chat.delete', { messageId });
  }

  /** Facilitators: removes a participant from the dojo. */
  kick(userId: string): Promise<WsReply<'room.kick'>> {
    return this.request('room.kick', { userId });
  }

  /** Facilitators: mutes a participant's audio. */
  mute(userId: string): Promise<WsReply<'room.mute'>> {
    return this.request('room.mute', { userId });
  }

  /** Facilitators: starts or stops the recording (both idempotent); `recording` follows the pushes. */
  setRecording(on: boolean): Promise<unknown> {
    return this.request(on ? 'recording.start' : 'recording.stop', {});
  }

  /** Any room method, addressed to this room (kata.*, code.run and whatever the contract adds). */
  async request<M extends RoomRequest>(method: M, data: Omit<WsRequestData<M>, 'dojoId'>): Promise<WsReply<M>> {
    this.#assertActive();
    return this.#connection.request(method, { ...data, dojoId: this.dojoId } as WsRequestData<M>);
  }

  /** Listens to one push of this room, typed by its method. */
  onPush<M extends PushMethod>(method: M, listener: (data: PushData<M>, frame: PushFrame<M>) => void): () => void {
    return this.#connection.onPush(method, (data, frame) => {
      if (this.#active()) listener(data, frame);
    });
  }

  /** Leaves the room; what is still in the chat outbox is dropped (its promises reject with CLOSED). */
  async leave(): Promise<void> {
    if (!this.#active()) return;
    try {
      await this.#connection.request('room.leave', { dojoId: this.dojoId });
    } finally {
      this.#dispose('left');
    }
  }

  async #join(): Promise<void> {
    const reply = await this.#connection.request('room.join', { dojoId: this.dojoId });
    this.#connection.resetSeq(reply.seq);
    this.#role = reply.role;
    this.#readOnly = reply.readOnly === true;
    // The server's canEdit already says no while read-only; what applies once the time is extended
    // is the role's (a classroom's chosen editors are not known until its next room.updated).
    this.#canEdit = this.#readOnly ? reply.role === 'facilitator' || (reply.role === 'participant' && !reply.classroom) : reply.canEdit;
    this.code.setReadOnly(this.#readOnly);
    this.#recording = reply.recording;
    this.#members.clear();
    for (const p of reply.participants) this.#members.set(p.userId, p);
    for (const message of reply.chat) this.#addMessage(message);
    this.code.sync(reply.code, reply.awareness, reply.codeGeneration ?? 0);
    this.#setState('joined');
    this.#outbox.resume();
    this.emit('joined', reply);
    this.emit('members', this.#members);
    if (this.#media) await this.#media.joined(this.#mediaContext(), reply);
  }

  #listen(): void {
    const c = this.#connection;
    this.#off.push(
      c.on('state', (state) => {
        if (state !== 'reconnecting' || !this.#active()) return;
        this.#outbox.pause();
        this.code.offline();
      }),
      c.on('resumed', () => {
        if (!this.#active()) return;
        this.#outbox.resume();
        this.code.resumed();
        this.#media?.resumed?.();
      }),
      c.on('reset', () => this.#rejoin()),
      c.on('closed', () => this.#dispose('closed')),
      c.on('push', (frame) => {
        if (!this.#active()) return;
        if (frame.method.startsWith('media.')) this.#media?.push(frame as PushFrame<MediaPush>);
        this.emit('push', frame);
      }),
      ...this.#handlers(),
    );
  }

  /** The pushes the room interprets. Each handler runs only while the room is joined. */
  #handlers(): Array<() => void> {
    const c = this.#connection;
    const on = <M extends PushMethod>(method: M, handle: (data: PushData<M>) => void) =>
      c.onPush(method, (data) => {
        if (!this.#active()) return;
        handle(data);
      });
    return [
      on('participant.joined', (p) => {
        this.#members.set(p.userId, p);
        this.emit('members', this.#members);
      }),
      on('participant.left', ({ userId }) => {
        if (this.#members.delete(userId)) this.emit('members', this.#members);
      }),
      on('room.muted', ({ userId, by }) => {
        const member = this.#members.get(userId);
        if (member) this.#members.set(userId, { ...member, muted: true });
        if (userId === this.#userId) this.#media?.muted?.();
        this.emit('muted', { userId, by });
        this.emit('members', this.#members);
      }),
      on('chat.message', (message) => this.#addMessage(message)),
      on('chat.deleted', (deleted) => {
        if (this.#messages.delete(deleted.messageId)) this.emit('chatDeleted', deleted);
      }),
      on('code.update', ({ update }) => this.code.applyRemote(update)),
      on('code.reset', ({ generation, code }) => this.code.reset(generation, code)),
      on('awareness.update', ({ state }) => this.code.applyRemoteAwareness(state)),
      on('recording.started', ({ recordingId }) => this.#setRecording(recordingId)),
      on('recording.stopped', () => this.#setRecording(null)),
      // Reasons the Room does not interpret (those the contract gains) still reach `push` listeners.
      on('room.updated', (update) => {
        if (update.reason === 'reactivated') this.code.resend();
        else if (update.reason === 'media') void this.#media?.restart(update.routerRtpCapabilities);
        else if (update.reason === 'readOnly') {
          this.#readOnly = update.readOnly;
          this.code.setReadOnly(update.readOnly);
          this.emit('readOnly', update.readOnly);
        } else if (update.reason === 'classroom') {
          for (const [userId, member] of this.#members) {
            if (member.role === 'participant') this.#members.set(userId, { ...member, canEdit: !update.classroom || update.editors.includes(userId) });
          }
          this.#canEdit = this.#role === 'facilitator' || (this.#role === 'participant' && (!update.classroom || update.editors.includes(this.#userId)));
          this.emit('members', this.#members);
        }
      }),
      on('room.kicked', ({ userId, by }) => {
        if (userId !== this.#userId) return;
        this.#dispose('kicked');
        this.emit('kicked', { by });
      }),
      on('room.closed', () => {
        this.#dispose('closed');
        this.emit('closed');
      }),
    ];
  }

  #addMessage(message: ChatMessage): void {
    if (this.#messages.has(message.messageId)) return;
    this.#messages.set(message.messageId, message);
    this.emit('chat', message);
  }

  #setRecording(recordingId: string | null): void {
    this.#recording = recordingId;
    this.emit('recording', recordingId);
  }

  #rejoin(): void {
    if (!this.#active()) return;
    this.#setState('rejoining');
    this.#join().catch((error: unknown) => this.#rejoinFailed(error));
  }

  #rejoinFailed(error: unknown): void {
    // The dojo ended or this user was removed while away: nothing to rejoin.
    if (error instanceof PocdojoError && (error.code === 'NOT_FOUND' || error.code === 'FORBIDDEN' || error.code === 'CONFLICT')) {
      this.#dispose('closed');
      this.emit('closed');
      return;
    }
    this.emit('error', error);
    // A transient failure: try again on the next reconnect, or now if the socket is fine.
    if (this.#connection.state === 'open') setTimeout(() => this.#join().catch((e: unknown) => this.#rejoinFailed(e)), 1_000);
  }

  #mediaContext(): RoomMediaContext {
    return {
      dojoId: this.dojoId,
      userId: this.#userId,
      request: (method, data) => this.request(method, data as never),
    };
  }

  #active(): boolean {
    return this.#state === 'joining' || this.#state === 'joined' || this.#state === 'rejoining';
  }

  #assertActive(): void {
    if (!this.#active()) throw new PocdojoError('CLOSED', `The room was ${this.#state}`);
  }

  #dispose(state: 'left' | 'kicked' | 'closed'): void {
    if (!this.#active()) return;
    this.#setState(state);
    for (const off of this.#off.splice(0)) off();
    this.#outbox.fail(new PocdojoError('CLOSED', `The room was ${state}`));
    this.code.close();
    this.#media?.close();
  }

  #setState(state: RoomState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.emit('state', state);
  }
}
