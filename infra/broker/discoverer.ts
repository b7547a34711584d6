import { Discoverers, type GenericObject, type LoggerInstance } from 'moleculer';

/** The parts of Moleculer's discoverer this class uses that its typings leave out. */
interface Internals {
  opts: { heartbeatInterval: number; heartbeatTimeout: number };
  logger: LoggerInstance;
  registry: {
    nodes: {
      toArray(): Array<{ id: string; local: boolean; available: boolean }>;
      disconnected(nodeID: string, unexpected: boolean): void;
    };
  };
}

/** A check that runs this much later than planned means this process stalled, not its peers. */
const STALL_MS = 1_000;

/**
 * Moleculer's heartbeat discovery, made prompt enough for rooms. Moleculer counts heartbeats in
 * whole seconds and checks them only once per `heartbeatTimeout`, so with a 6 s timeout a
 * SIGKILLed node stayed routable 4.7-11.6 s, long after its rooms had moved on (their lease
 * lapses within 4 s). Here heartbeats are timed in milliseconds and checked every `checkEveryMs`,
 * so a silent node is dropped `heartbeatTimeout` after its last beat, give or take one check;
 * dropping it rejects the calls pending on it, and balanced calls skip it.
 */
export class PromptDiscoverer extends Discoverers.Local {
  readonly #lastBeat = new Map<string, number>();
  #lastCheck = 0;

  constructor(readonly checkEveryMs = 250) {
    super();
  }

  get #internals(): Internals {
    return this as unknown as Internals;
  }

  override heartbeatReceived(nodeID: string, payload: GenericObject): void {
    this.#lastBeat.set(nodeID, Date.now());
    super.heartbeatReceived(nodeID, payload);
  }

  override startHeartbeatTimers(): void {
    this.stopHeartbeatTimers();
    const { heartbeatInterval } = this.#internals.opts;
    if (!(heartbeatInterval > 0)) return;
    // Jitter of +-10%, where Moleculer's +-500 ms would make a 1 s beat as slow as 1.5 s.
    const beatMs = heartbeatInterval * 1000 * (0.9 + Math.random() * 0.2);
    this.heartbeatTimer = setInterval(() => void this.beat().catch(() => undefined), beatMs);
    this.checkNodesTimer = setInterval(() => this.checkRemoteNodes(), this.checkEveryMs);
    this.offlineTimer = setInterval(() => this.checkOfflineNodes(), 60_000);
    for (const timer of [this.heartbeatTimer, this.checkNodesTimer, this.offlineTimer]) timer.unref();
    this.#lastCheck = Date.now();
  }

  override checkRemoteNodes(): void {
    const { opts, registry, logger } = this.#internals;
    const now = Date.now();
    const stalled = now - this.#lastCheck > this.checkEveryMs + STALL_MS;
    this.#lastCheck = now;
    // After a stall (a long GC, a busy machine) the peers' heartbeats may be waiting unread in
    // the socket: read them before judging anyone, or every peer would look dead at once.
    if (stalled) return;
    const timeoutMs = opts.heartbeatTimeout * 1000;
    for (const node of registry.nodes.toArray()) {
      if (node.local) continue;
      if (!node.available) {
        this.#lastBeat.delete(node.id);
        continue;
      }
      const last = this.#lastBeat.get(node.id);
      if (last === undefined) {
        // Known from its INFO, no heartbeat yet: its clock starts now.
        this.#lastBeat.set(node.id, now);
      } else if (now - last > timeoutMs) {
        logger.warn({ node: node.id, silentMs: now - last }, 'no heartbeat from node: dropping it');
        this.#lastBeat.delete(node.id);
        registry.nodes.disconnected(node.id, true);
      }
    }
  }
}
