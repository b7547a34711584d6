import type { ServiceBroker } from 'moleculer';
import type { LeaseManager } from '../kv';
import { isRoomMoved, RoomMovedError, RoomUnavailableError } from './errors';
import type { LiveRoom } from './LiveRoom';
import type { RoomKitOptions } from './options';
import type { RoomRegistry } from './RoomRegistry';
import type { RoomKitMetrics, RoomNaming } from './types';

/**
 * Params of the actor's `local` action: a call for a room the receiving node is believed to
 * hold. The key's own fields (tenantId, the room's id) are spread beside these.
 */
export type LocalParams<K, C> = K & {
  call: C;
  /** Only deliver to an active room: never activate (session events, stop, ...). */
  ifActive: boolean;
};

export type RunLocal<R, C> = (room: R, call: C) => Promise<unknown>;

export interface PlacementDeps<K extends { tenantId: string }, R extends LiveRoom<string>, C> {
  broker: ServiceBroker;
  registry: RoomRegistry<K, R>;
  leases: LeaseManager;
  naming: RoomNaming<K>;
  /** The action that takes forwarded calls on the owner (`<service>.local`). */
  localAction: string;
  options: RoomKitOptions;
  metrics: RoomKitMetrics;
  runLocal: RunLocal<R, C>;
}

const NODE_GONE = new Set(['SERVICE_NOT_AVAILABLE', 'SERVICE_NOT_FOUND', 'REQUEST_TIMEOUT', 'REQUEST_REJECTED', 'BROKER_DISCONNECTED']);

/**
 * Routes a call to the one node where its room is active. Any dojo-room node may receive it:
 * the room's lease names the owner; a free lease is taken and the room activated here from
 * persisted state. Live rooms never move when nodes join (unlike a hash ring), and a dead
 * owner's rooms move as soon as its lease expires.
 */
export class Placement<K extends { tenantId: string }, R extends LiveRoom<string>, C> {
  constructor(readonly deps: PlacementDeps<K, R, C>) {}

  /** Recently seen owners of rooms held elsewhere, so a busy room costs no lease read per call. */
  readonly #owners = new Map<string, { owner: string; token: number; until: number }>();

  /**
   * Delivers `call`; with `ifActive`, returns undefined when the room is active nowhere.
   * `forward` is false on the node a call was forwarded to, so a call never bounces twice.
   */
  async dispatch(key: K, call: C, opts: { ifActive: boolean; forward: boolean }): Promise<unknown> {
    const deadline = Date.now() + this.deps.options.dispatchDeadlineMs;
    for (;;) {
      if (Date.now() > deadline) throw new RoomUnavailableError('The room is moving; try again');
      const target = await this.#target(key, opts.ifActive);
      if (target === undefined) return undefined;
      if ('room' in target) {
        try {
          return await this.deps.runLocal(target.room, call);
        } catch (error) {
          if (!isRoomMoved(error)) throw error;
          // Closing (idle, lease lost): wait until it is gone, then place the call again.
          await this.deps.registry.settled(key);
          continue;
        }
      }
      if (!opts.forward) throw new RoomMovedError(`held by ${target.owner}`);
      const outcome = await this.#forward(key, target, call, opts.ifActive, deadline);
      if (outcome.done) return outcome.value;
      this.#owners.delete(this.deps.naming.id(key));
    }
  }

  /** The room here, its owner elsewhere, or undefined (ifActive and nobody holds it). */
  async #target(key: K, ifActive: boolean): Promise<{ room: R } | { owner: string; token: number } | undefined> {
    const room = await this.deps.registry.local(key);
    if (room) return { room };
    const cached = this.#owners.get(this.deps.naming.id(key));
    if (cached && cached.until > Date.now()) return cached;
    const holder = await this.deps.leases.holder(this.deps.naming.lease(key));
    if (holder && holder.owner !== this.deps.broker.nodeID) return this.#remember(key, holder);
    // Held by this node but not active here: it is closing; nothing to deliver to.
    if (ifActive) return undefined;
    const location = await this.deps.registry.locate(key);
    return 'room' in location ? location : this.#remember(key, location);
  }

  #remember(key: K, holder: { owner: string; token: number }): { owner: string; token: number } {
    const entry = { owner: holder.owner, token: holder.token, until: Date.now() + this.deps.options.leaseRenewMs };
    this.#owners.set(this.deps.naming.id(key), entry);
    return entry;
  }

  /**
   * Forwards to the owner. If it is slow to answer, watch its lease meanwhile: when the lease
   * changes hands or expires (the owner died), stop waiting and place the call again.
   */
  async #forward(key: K, target: { owner: string; token: number }, call: C, ifActive: boolean, deadline: number): Promise<{ done: true; value: unknown } | { done: false }> {
    const params: LocalParams<K, C> = { ...key, call, ifActive };
    const request = this.deps.broker.call(this.deps.localAction, params, { nodeID: target.owner, retries: 0, timeout: Math.max(100, deadline - Date.now()) });
    const watch = new LeaseWatch(this.deps.leases, this.deps.naming.lease(key), target.token, deadline);
    try {
      const winner = await Promise.race([request.then((value) => ({ done: true as const, value })), watch.changed(this.deps.options.forwardPatienceMs).then(() => ({ done: false as const }))]);
      this.deps.metrics.forward(winner.done ? 'ok' : 'unreachable');
      return winner;
    } catch (error) {
      if (isRoomMoved(error)) {
        this.deps.metrics.forward('moved');
        return { done: false };
      }
      if (!NODE_GONE.has((error as { type?: string }).type ?? '')) throw error;
      this.deps.metrics.forward('unreachable');
      // The owner is unreachable but may still hold the lease: wait for it to lapse.
      await watch.changed(0);
      return { done: false };
    } finally {
      watch.stop();
      request.catch(() => undefined);
    }
  }
}

/** Polls a lease until its token differs from `token` (taken over, released or expired). */
class LeaseWatch {
  #stopped = false;

  constructor(
    readonly leases: LeaseManager,
    readonly name: string,
    readonly token: number,
    readonly deadline: number,
  ) {}

  /** Resolves when the lease changed or the deadline passed; never once stopped. */
  async changed(afterMs: number): Promise<void> {
    await sleep(afterMs);
    while (!this.#stopped && Date.now() < this.deadline) {
      const holder = await this.leases.holder(this.name).catch(() => undefined);
      if (holder === null || (holder && holder.token !== this.token)) return;
      await sleep(100);
    }
    if (this.#stopped) await new Promise(() => undefined);
  }

  stop(): void {
    this.#stopped = true;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
