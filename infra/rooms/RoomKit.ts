import type { ServiceBroker } from 'moleculer';
import type { LeaseManager } from '../kv';
import type { Logger } from '../logger';
import type { LiveRoom } from './LiveRoom';
import type { RoomKitOptions } from './options';
import { Placement, type LocalParams } from './Placement';
import { RoomRegistry } from './RoomRegistry';
import type { RoomKitMetrics, RoomNaming } from './types';

/** What a room actor tells the kit about its rooms. */
export interface RoomKitSpec<K extends { tenantId: string }, R extends LiveRoom<string>, C> {
  /** The actor's Moleculer name: forwarded calls go to its `local` action. */
  service: string;
  naming: RoomNaming<K>;
  /** Builds a room from its persisted state; called on the node that just took its lease. */
  create(key: K): Promise<R>;
  /** Handles one call on the room's node; wrap the work in `room.run` so it takes a turn. */
  deliver(room: R, call: C): Promise<unknown>;
}

/** What the kit needs from the node. */
export interface RoomKitDeps {
  broker: ServiceBroker;
  leases: LeaseManager;
  options: RoomKitOptions;
  metrics: RoomKitMetrics;
  logger: Logger;
}

/**
 * The room machinery a room-like actor stands on: single activation under a fenced lease, the
 * per-room mailbox (LiveRoom), placement of every call on the room's owner, and the registry of
 * the rooms live on this node. Calls `C` are plain data: they cross the transporter when forwarded.
 */
export class RoomKit<K extends { tenantId: string }, R extends LiveRoom<string>, C> {
  readonly registry: RoomRegistry<K, R>;
  readonly #placement: Placement<K, R, C>;

  constructor(spec: RoomKitSpec<K, R, C>, deps: RoomKitDeps) {
    const { broker, leases, options, metrics, logger } = deps;
    this.registry = new RoomRegistry({ nodeId: broker.nodeID, leases, naming: spec.naming, create: spec.create, options, metrics, logger });
    this.#placement = new Placement({
      broker,
      registry: this.registry,
      leases,
      naming: spec.naming,
      localAction: `${spec.service}.local`,
      options,
      metrics,
      runLocal: spec.deliver,
    });
  }

  /**
   * Delivers `call` to the room wherever it is active, activating it here when nobody holds it;
   * with `ifActive`, never activates and resolves undefined when the room is active nowhere.
   */
  send(key: K, call: C, ifActive = false): Promise<unknown> {
    return this.#placement.dispatch(key, call, { ifActive, forward: true });
  }

  /** The actor's `local` action: a call forwarded by another node; it never bounces again. */
  local(params: LocalParams<K, C>): Promise<unknown> {
    const { call, ifActive, ...key } = params;
    return this.#placement.dispatch(key as unknown as K, call, { ifActive, forward: false });
  }

  /** Closes every room here (node shutdown): their state stays for whichever node takes them next. */
  closeAll(): Promise<void> {
    return this.registry.closeAll();
  }
}
