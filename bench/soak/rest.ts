import { noteError, type LoadCounts, type RestKind } from './plan';

const LANGUAGES = ['TypeScript', 'Go', 'Rust', 'Python', 'Kotlin', 'Swift'];
const WORDS = ['realtime', 'chat', 'search', 'video', 'queue', 'cache', 'gateway', 'render', 'payments', 'sync'];
// Searches as people type them: whole words, a typo, a filter.
const QUERIES = ['realtime chat', 'realtme', 'search', 'video render', 'queu', 'cache gateway', 'payments', 'sync'];

const MAX_IN_FLIGHT = 16;

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

interface Caller {
  tenantIndex: number;
  token: string;
}

/**
 * The REST side of the soak: the members of the dojos also search POCs, read them, register new
 * ones and check their notifications, as the mobile app does between dojos.
 */
export class RestTraffic {
  /** POC ids each tenant has, so reads ask for rows that exist. */
  readonly #pocs: string[][];
  #inFlight = 0;

  constructor(
    readonly httpUrl: string,
    readonly callers: Caller[],
    tenantCount: number,
    readonly counts: LoadCounts,
  ) {
    this.#pocs = Array.from({ length: tenantCount }, () => []);
  }

  /**
   * One request of a kind drawn as a client mix would: mostly reads and searches. At most
   * MAX_IN_FLIGHT at once (beyond, the request is shed and counted): fetch opens a connection
   * per concurrent request, and a client pool that grows while the node is slow would show as
   * the node's fds growing.
   */
  fire(): Promise<void> {
    if (this.#inFlight >= MAX_IN_FLIGHT) {
      this.counts.restShed++;
      return Promise.resolve();
    }
    this.#inFlight++;
    const r = Math.random();
    return this.request(r < 0.4 ? 'search' : r < 0.7 ? 'read' : r < 0.8 ? 'create' : 'notifications', pick(this.callers)).finally(() => this.#inFlight--);
  }

  async request(kind: RestKind, caller: Caller): Promise<void> {
    const tally = this.counts.rest[kind];
    try {
      const res = await this.#call(kind, caller);
      if (res.ok) tally.ok++;
      else {
        tally.errors++;
        noteError(this.counts, `${kind}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
        return;
      }
      if (kind === 'create') this.#pocs[caller.tenantIndex]?.push(((await res.json()) as { id: string }).id);
      else await res.arrayBuffer();
    } catch (error) {
      tally.errors++;
      noteError(this.counts, `${kind}: ${(error as Error).message}`);
    }
  }

  #call(kind: RestKind, caller: Caller): Promise<Response> {
    const headers = { authorization: `Bearer ${caller.token}`, 'content-type': 'application/json' };
    switch (kind) {
      case 'search':
        return fetch(`${this.httpUrl}/v1/pocs?q=${encodeURIComponent(pick(QUERIES))}${Math.random() < 0.3 ? `&language=${pick(LANGUAGES)}` : ''}&limit=20`, { headers });
      case 'read': {
        const id = pick(this.#pocs[caller.tenantIndex] ?? []);
        return id ? fetch(`${this.httpUrl}/v1/pocs/${id}`, { headers }) : this.#call('search', caller);
      }
      case 'create': {
        const [a, b] = [pick(WORDS), pick(WORDS)];
        const body = {
          name: `${a} ${b} ${Math.random().toString(36).slice(2, 8)}`,
          repo_url: `https://example.com/soak/${a}-${b}`,
          language: pick(LANGUAGES),
          tags: [...new Set([a, b])],
          frameworks: ['node'],
          is_public: true,
        };
        return fetch(`${this.httpUrl}/v1/pocs`, { method: 'POST', headers, body: JSON.stringify(body) });
      }
      case 'notifications':
        return fetch(`${this.httpUrl}/v1/user/notification?limit=20`, { headers });
    }
  }
}
