import type { Logger } from '../logger';
import { RoomMovedError } from './errors';
import type { LeaseKeeper } from './LeaseKeeper';
import { Mailbox } from './Mailbox';
import type { TurnResult } from './types';

/** The close reasons the kit itself uses; an actor adds its own ('stopped', 'empty', ...). */
export type KitCloseReason = 'shutdown' | 'lease-lost';

/**
 * One activation of a room on the node that holds its lease. Every turn goes through the
 * mailbox and runs only while the lease is surely held, so a room's state is touched by one
 * turn at a time on one node at a time. Subclasses hold the state and implement the lifecycle
 * (as Colyseus': onCreate, onJoin, onLeave, onDispose; joins and leaves are the actor's own).
 */
export abstract class LiveRoom<Reason extends string = KitCloseReason> {
  readonly #mailbox = new Mailbox();
  #closing: Promise<void> | undefined;
  #lease: LeaseKeeper | undefined;
  #closingListener: ((closing: Promise<void>) => void) | undefined;

  constructor(protected readonly kitLogger: Logger) {}

  /** Called by the registry once the lease is kept; runs onCreate. */
  async activate(lease: LeaseKeeper, onClosing: (closing: Promise<void>) => void): Promise<void> {
    this.#lease = lease;
    this.#closingListener = onClosing;
    await this.onCreate();
  }

  get closing(): boolean {
    return this.#closing !== undefined;
  }

  /** Runs `turn` in the room's mailbox; its `durable` part is awaited outside, so the room moves on. */
  async run<T>(turn: () => TurnResult<T> | Promise<TurnResult<T>>): Promise<T> {
    if (this.#closing) throw new RoomMovedError('closing');
    const result = await this.#mailbox.run(() => {
      if (!this.#lease?.valid()) {
        void this.close('lease-lost');
        throw new RoomMovedError('lease expired');
      }
      return turn();
    });
    if (result.durable) await result.durable;
    return result.value;
  }

  /** Queues work of the room's own (a timer firing) behind the turns; dropped once closing. */
  enqueue(work: () => void): void {
    this.#mailbox.run(work).catch(() => undefined);
  }

  /**
   * Closes the room (safe to call twice). Unless the lease was lost, queued turns finish first,
   * onDispose writes what is left and the lease is freed so the next activation starts at once.
   */
  close(reason: Reason | KitCloseReason): Promise<void> {
    if (!this.#closing) {
      this.#closing = this.#dispose(reason);
      this.#closingListener?.(this.#closing);
    }
    return this.#closing;
  }

  /** Starts the room (the lease is held): load, announce, arm timers. */
  protected abstract onCreate(): Promise<void>;

  /** Stops the room's timers at once when it starts closing, so they queue nothing more. */
  protected abstract onClosing(reason: Reason | KitCloseReason): void;

  /** Last words of an activation; `owner` is false when the lease was lost (write nothing). */
  protected abstract onDispose(reason: Reason | KitCloseReason, owner: boolean): Promise<void>;

  async #dispose(reason: Reason | KitCloseReason): Promise<void> {
    this.#mailbox.close(new RoomMovedError(`room closed (${reason})`));
    this.onClosing(reason);
    const owner = reason !== 'lease-lost';
    if (owner) await this.#mailbox.drained();
    await this.onDispose(reason, owner).catch((err: unknown) => this.kitLogger.error({ err, reason }, 'room close failed'));
    await this.#lease?.stop(owner);
  }
}
