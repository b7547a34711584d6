import type { LeaseManager } from '../kv';
import type { Logger } from '../logger';
import { LeaseKeeper } from './LeaseKeeper';
import type { LiveRoom } from './LiveRoom';
import type { RoomKitOptions } from './options';
import type { RoomKitMetrics, RoomNaming } from './types';

export interface RegistryDeps<K extends { tenantId: string }, R extends LiveRoom<string>> {
  nodeId: string;
  leases: LeaseManager;
  naming: RoomNaming<K>;
  /** Builds the room from its persisted state; called with the lease held, before onCreate. */
  create(key: K): Promise<R>;
  options: RoomKitOptions;
  metrics: RoomKitMetrics;
  logger: Logger;
}

/** Where a room is: here, or held by another node. */
export type Location<R> = { room: R } | { owner: string; token: number };

/**
 * The rooms active on this node. Get-or-create is serialized per room, so two calls for one
 * room never activate it twice; an entry stays until its room has finished closing, so no new
 * activation can start (and claim a newer epoch) while the old one still writes its last state.
 */
export class RoomRegistry<K extends { tenantId: string }, R extends LiveRoom<string>> {
  readonly #entries = new Map<string, Promise<Location<R>>>();
  readonly #closed = new Map<string, Promise<void>>();

  constructor(readonly deps: RegistryDeps<K, R>) {}

  /** The active local room, if any (no activation). */
  async local(key: K): Promise<R | undefined> {
    const entry = this.#entries.get(this.deps.naming.id(key));
    const location = entry ? await entry.catch(() => undefined) : undefined;
    return location && 'room' in location ? location.room : undefined;
  }

  /** The room here, activating it if its lease is free; or the node that holds its lease. */
  locate(key: K): Promise<Location<R>> {
    const k = this.deps.naming.id(key);
    const existing = this.#entries.get(k);
    if (existing) return existing;
    const activation = this.#activate(key).then(
      (location) => {
        // Only a room stays registered; "held elsewhere" is looked up afresh next time.
        if ('owner' in location) this.#entries.delete(k);
        return location;
      },
      (error: unknown) => {
        this.#entries.delete(k);
        throw error;
      },
    );
    this.#entries.set(k, activation);
    return activation;
  }

  /** Resolves when a closing room of this key has finished (at once when there is none). */
  async settled(key: K): Promise<void> {
    await this.#closed.get(this.deps.naming.id(key));
  }

  /** Runs `fn` on every room active here; failures (a room closing meanwhile) are ignored. */
  async forEachRoom(fn: (room: R) => Promise<unknown>): Promise<void> {
    const locations = await Promise.all([...this.#entries.values()].map((e) => e.catch(() => undefined)));
    await Promise.all(locations.map((l) => (l && 'room' in l ? fn(l.room).catch(() => undefined) : undefined)));
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Closes every room (node shutdown: their state stays for the next owner). */
  closeAll(): Promise<void> {
    return this.forEachRoom((room) => room.close('shutdown'));
  }

  /** A room of this node started closing: keep its entry until it is done. */
  #closing(k: string, closing: Promise<void>): void {
    this.#closed.set(
      k,
      closing.finally(() => {
        this.#entries.delete(k);
        this.#closed.delete(k);
      }),
    );
  }

  async #activate(key: K): Promise<Location<R>> {
    const { leases, nodeId, options, logger, metrics, naming } = this.deps;
    const name = naming.lease(key);
    const acquiredAt = Date.now();
    const lease = await leases.acquire(name, nodeId, options.leaseTtlMs);
    if (!lease) {
      const holder = await leases.holder(name);
      // Released between the two reads: try again from the top.
      if (!holder) return this.#activate(key);
      return { owner: holder.owner, token: holder.token };
    }
    const id = naming.id(key);
    let room: R | undefined;
    try {
      const created = await this.deps.create(key);
      room = created;
      const timing = { ttlMs: options.leaseTtlMs, renewMs: options.leaseRenewMs, safetyMs: options.leaseSafetyMs };
      const keeper = new LeaseKeeper(
        leases,
        name,
        nodeId,
        lease.token,
        acquiredAt,
        timing,
        (reason) => {
          logger.warn({ room: id, reason }, 'room lost its lease');
          void created.close('lease-lost');
        },
        logger,
      );
      keeper.start();
      await created.activate(keeper, (closing) => this.#closing(id, closing));
      metrics.activation('activated');
      logger.info({ room: id, tenantId: key.tenantId }, 'room activated');
      return { room: created };
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      metrics.activation(typeof code === 'number' && code < 500 ? 'refused' : 'failed');
      if (room) await room.close('shutdown');
      else await leases.release(name, nodeId, lease.token).catch(() => undefined);
      throw error;
    }
  }
}
