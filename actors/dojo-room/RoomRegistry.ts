import type { LeaseManager } from '../../infra/kv';
import type { Logger } from '../../infra/logger';
import { LeaseKeeper } from './LeaseKeeper';
import type { Presence } from './Presence';
import { Room, type CloseReason, type RoomDeps } from './Room';
import type { RoomStore } from './RoomStore';
import { leaseName, type RoomKey } from './types';

export interface RegistryDeps extends RoomDeps {
  nodeId: string;
  leases: LeaseManager;
  store: RoomStore;
  presence: Presence;
  logger: Logger;
}

/** Where a room is: here, or held by another node. */
export type Location = { room: Room } | { owner: string; token: number };

function keyOf(key: RoomKey): string {
  return `${key.tenantId}:${key.dojoId}`;
}

/**
 * The rooms active on this node. Get-or-create is serialized per room, so two calls for one
 * room never activate it twice; an entry stays until its room has finished closing, so no new
 * activation can start (and claim a newer epoch) while the old one still writes its last state.
 */
export class RoomRegistry {
  readonly #entries = new Map<string, Promise<Location>>();
  readonly #closed = new Map<string, Promise<void>>();

  constructor(readonly deps: RegistryDeps) {}

  /** The active local room, if any (no activation). */
  async local(key: RoomKey): Promise<Room | undefined> {
    const entry = this.#entries.get(keyOf(key));
    const location = entry ? await entry.catch(() => undefined) : undefined;
    return location && 'room' in location ? location.room : undefined;
  }

  /** The room here, activating it if its lease is free; or the node that holds its lease. */
  locate(key: RoomKey): Promise<Location> {
    const k = keyOf(key);
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
  async settled(key: RoomKey): Promise<void> {
    await this.#closed.get(keyOf(key));
  }

  /** Runs `fn` on every room active here; failures (a room closing meanwhile) are ignored. */
  async forEachRoom(fn: (room: Room) => Promise<unknown>): Promise<void> {
    const locations = await Promise.all([...this.#entries.values()].map((e) => e.catch(() => undefined)));
    await Promise.all(locations.map((l) => (l && 'room' in l ? fn(l.room).catch(() => undefined) : undefined)));
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Closes every room (node shutdown: their state stays for the next owner). */
  async closeAll(reason: CloseReason): Promise<void> {
    const rooms = await Promise.all([...this.#entries.values()].map((e) => e.catch(() => undefined)));
    await Promise.all(rooms.map((l) => (l && 'room' in l ? l.room.close(reason) : undefined)));
  }

  /** A room of this node started closing: keep its entry until it is done. */
  #closing(key: RoomKey, closing: Promise<void>): void {
    const k = keyOf(key);
    this.#closed.set(
      k,
      closing.finally(() => {
        this.#entries.delete(k);
        this.#closed.delete(k);
      }),
    );
  }

  async #activate(key: RoomKey): Promise<Location> {
    const { leases, nodeId, options, logger, metrics } = this.deps;
    const name = leaseName(key);
    const acquiredAt = Date.now();
    const lease = await leases.acquire(name, nodeId, options.leaseTtlMs);
    if (!lease) {
      const holder = await leases.holder(name);
      // Released between the two reads: try again from the top.
      if (!holder) return this.#activate(key);
      return { owner: holder.owner, token: holder.token };
    }
    let room: Room | undefined;
    try {
      const persisted = await this.deps.store.claim(key, options.chatHistory);
      const previous = await this.deps.presence.load(key);
      const created = new Room(key, persisted, { ...this.deps, onClosing: (closing) => this.#closing(key, closing) });
      room = created;
      const timing = { ttlMs: options.leaseTtlMs, renewMs: options.leaseRenewMs, safetyMs: options.leaseSafetyMs };
      const keeper = new LeaseKeeper(leases, name, nodeId, lease.token, acquiredAt, timing, (reason) => {
        logger.warn({ dojoId: key.dojoId, reason }, 'room lost its lease');
        void created.close('lease-lost');
      }, logger);
      keeper.start();
      await created.onCreate(keeper, previous);
      metrics.activation('activated');
      logger.info({ dojoId: key.dojoId, tenantId: key.tenantId, epoch: created.epoch }, 'room activated');
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
