import type { Logger } from '../../infra/logger';
import { LiveRoom } from '../../infra/rooms';
import type { AuthContext } from '../../protocol/auth';
import type { KataPush } from '../../protocol/kata';
import type { PushData } from '../../protocol/push';
import type { DojoPort } from './DojoPort';
import { FencedOutError } from './errors';
import type { KataStore } from './KataStore';
import type { KataMetrics } from './metrics';
import type { KataOptions } from './options';
import type { BreakoutRoom, EndReason, KataKey, KataRecord, PersistedKata } from './types';

export interface KataDeps {
  store: KataStore;
  dojo: DojoPort;
  options: KataOptions;
  metrics: KataMetrics;
  logger: Logger;
  /** Announces a committed change the dashboards count: an end no action sees (its timer, its dojo stopped). */
  dataChanged: (tenantId: string) => void;
}

/** Why a kata's activation closes: it ended, the node stops, or it lost its lease. */
export type KataCloseReason = 'ended' | 'shutdown' | 'lease-lost';

/**
 * One running kata on exactly one node (the room kit's LiveRoom): its timer, its breakout rooms
 * and who is in which, and the rooms' results. Every change is written (fenced by the epoch)
 * before it is told, so an activation on another node after a failover resumes where this one
 * was, timer included. The requests are in Commands.ts; this class is the state and the timer.
 */
export class Kata extends LiveRoom<KataCloseReason> {
  readonly rooms = new Map<string, BreakoutRoom>();
  /** Participant -> the breakout room they are assigned to. */
  readonly assigned = new Map<string, string>();
  #kata: KataRecord;
  #timer: NodeJS.Timeout | undefined;
  #ended = false;

  constructor(
    readonly key: KataKey,
    persisted: PersistedKata,
    readonly deps: KataDeps,
  ) {
    super(deps.logger);
    this.#kata = persisted.kata;
    for (const room of persisted.rooms) {
      this.rooms.set(room.id, room);
      for (const userId of room.members) this.assigned.set(userId, room.id);
    }
  }

  get kata(): Readonly<KataRecord> {
    return this.#kata;
  }

  get ended(): boolean {
    return this.#ended;
  }

  isFacilitator(auth: AuthContext): boolean {
    return auth.role === 'admin' || auth.userId === this.#kata.facilitatorId;
  }

  /**
   * A push to everyone in the dojo's main room (its seq orders it with the room's own pushes).
   * Told after the change is written: a push that cannot be delivered (the dojo was stopped) is
   * logged, and the state stays readable through GET /v1/katas/{id}.
   */
  async push<M extends KataPush>(method: M, data: PushData<M>): Promise<void> {
    await this.deps.dojo.push(this.key.tenantId, this.#kata.dojoId, method, data).catch((err: unknown) => this.#warn(err, `${method} not pushed`));
  }

  /** Arms the server's timer: the deadline makes the rooms read-only, the grace after it ends the kata. */
  protected async onCreate(): Promise<void> {
    this.deps.metrics.opened();
    this.#arm();
  }

  protected onClosing(): void {
    clearTimeout(this.#timer);
  }

  /** Everything was written as it happened: nothing is left to write. */
  protected async onDispose(): Promise<void> {
    this.deps.metrics.closed();
  }

  /** New deadline (extend): editable again until it passes. */
  async setDeadline(deadline: Date): Promise<void> {
    const wasReadOnly = this.#kata.readOnly;
    await this.deps.store.setTimer(this.key, this.#kata.epoch, deadline, false);
    this.#kata = { ...this.#kata, deadline, readOnly: false };
    if (wasReadOnly) await this.deps.dojo.readOnly(this.key.tenantId, this.#openRoomIds(), false);
    this.#arm();
  }

  /** When the kata ends on its own once its time is up (unless extended meanwhile). */
  endsAt(): Date {
    return new Date(this.#kata.deadline.getTime() + this.deps.options.endGraceMs);
  }

  /**
   * Ends the kata: every breakout room closes (its final code comes back), results are written,
   * everyone's main-room media resumes, and kata.ended tells everyone. The activation then closes.
   */
  async end(reason: EndReason): Promise<void> {
    if (this.#ended) return;
    const rooms = [...this.rooms.values()];
    const finals = await Promise.all(
      rooms.map(async (room) => {
        const code = await this.deps.dojo.close(this.key.tenantId, room.id).then(
          (r) => r.code,
          (err: unknown) => {
            this.deps.logger.warn({ err, roomId: room.id }, 'a breakout room did not close; its final code is missing');
            return null;
          },
        );
        return { roomId: room.id, code };
      }),
    );
    await this.deps.store.finish(this.key, this.#kata.epoch, reason, finals);
    this.#ended = true;
    this.deps.dataChanged(this.key.tenantId);
    clearTimeout(this.#timer);
    const away = [...this.assigned.keys()];
    if (away.length > 0) await this.deps.dojo.away(this.key.tenantId, this.#kata.dojoId, away, false).catch((err: unknown) => this.#warn(err, 'main-room media not resumed'));
    for (const room of rooms) if (room.status === 'OPEN') room.status = 'CLOSED';
    await this.push('kata.ended', { kataId: this.key.kataId, reason, results: rooms.map((room) => this.result(room)) });
    void this.close('ended');
  }

  /** A room's outcome as kata.ended reports it. */
  result(room: BreakoutRoom) {
    return {
      roomId: room.id,
      name: room.name,
      members: [...room.members],
      completed: room.status === 'COMPLETED',
      secondsToComplete: this.secondsTo(room.completedAt),
      testRuns: room.testRuns,
      tests: room.lastRun?.tests ?? null,
    };
  }

  secondsTo(at: Date | null): number | null {
    return at ? Math.max(0, Math.round((at.getTime() - this.#kata.startedAt.getTime()) / 1000)) : null;
  }

  #openRoomIds(): string[] {
    return [...this.rooms.values()].filter((r) => r.status !== 'CLOSED').map((r) => r.id);
  }

  #arm(): void {
    clearTimeout(this.#timer);
    const now = Date.now();
    const { deadline, readOnly } = this.#kata;
    const [step, at] = readOnly ? [() => this.#endOnTime(), this.endsAt()] : [() => this.#expire(), deadline];
    this.#timer = setTimeout(() => this.#turn(step), Math.max(0, at.getTime() - now));
    this.#timer.unref();
  }

  /** A timer's step, as a turn of its own (run only while the lease is held). */
  #turn(step: () => Promise<void>): void {
    this.run(async () => ({ value: await step() })).catch(() => undefined);
  }

  /** The deadline passed: rooms turn read-only, clients hear when the kata ends unless extended. */
  async #expire(): Promise<void> {
    if (this.closing || this.#ended) return;
    // A timer may fire a millisecond before the wall clock agrees (timers run on a monotonic
    // clock); too early is armed again, never dropped, or the kata would never expire.
    if (this.#kata.deadline.getTime() > Date.now()) return this.#arm();
    try {
      await this.deps.store.setTimer(this.key, this.#kata.epoch, this.#kata.deadline, true);
      this.#kata = { ...this.#kata, readOnly: true };
      await this.deps.dojo.readOnly(this.key.tenantId, this.#openRoomIds(), true);
      await this.push('kata.timer', { kataId: this.key.kataId, deadline: this.#kata.deadline.toISOString(), expired: true, endsAt: this.endsAt().toISOString() });
      this.#arm();
    } catch (err) {
      this.#failed(err, 'the deadline step failed');
    }
  }

  async #endOnTime(): Promise<void> {
    if (this.closing || this.#ended || !this.#kata.readOnly) return;
    if (this.endsAt().getTime() > Date.now()) return this.#arm();
    await this.end('timeout').catch((err: unknown) => this.#failed(err, 'ending the kata on time failed'));
  }

  /** A failed timer step: a fenced write means a newer activation owns the kata; otherwise try again shortly. */
  #failed(err: unknown, what: string): void {
    if (err instanceof FencedOutError) {
      void this.close('lease-lost');
      return;
    }
    this.#warn(err, what);
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#turn(async () => this.#arm()), this.deps.options.retryMs);
    this.#timer.unref();
  }

  #warn(err: unknown, what: string): void {
    this.deps.logger.warn({ err, kataId: this.key.kataId }, what);
  }
}
