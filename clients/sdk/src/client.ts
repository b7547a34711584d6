import type { Auth, Credentials } from './auth';
import type { BackoffOptions } from './backoff';
import { Connection, type WebSocketConstructor } from './connection';
import { PocdojoError } from './errors';
import { RestClient, type FetchLike } from './rest';
import { Room, type RoomOptions } from './room';

export interface ClientOptions {
  /** The API's origin: `https://api.example.com`. */
  baseUrl: string;
  /** The signaling socket; by default `baseUrl` with ws(s):// and `/v1/ws`. */
  wsUrl?: string;
  /** Injected for runtimes without a global fetch, or to add logging. */
  fetch?: FetchLike;
  /** Injected for runtimes without a global WebSocket (Node 20: `import WebSocket from 'ws'`). */
  WebSocket?: WebSocketConstructor;
  /** Credentials kept from an earlier run (persist them from `auth.on('changed')`). */
  credentials?: Credentials;
  requestTimeoutMs?: number;
  /** Refresh the access token this long before it expires (ms). Default 60 s. */
  refreshMarginMs?: number;
  backoff?: BackoffOptions;
  /** Ping this often to notice a dead path (ms); default: the server's heartbeat. */
  heartbeatMs?: number;
}

/**
 * The SDK's entry point: REST (`rest.call`), the signaling connection, and rooms.
 *
 * ```ts
 * const client = new PocdojoClient({ baseUrl: 'https://api.example.com' });
 * await client.login('acme', 'ada', 'secret');
 * const room = await client.join(dojoId);
 * ```
 */
export class PocdojoClient {
  readonly rest: RestClient;
  readonly #options: ClientOptions;
  #connection: Connection | undefined;
  #room: Room | undefined;

  constructor(options: ClientOptions) {
    this.#options = options;
    this.rest = new RestClient({ baseUrl: options.baseUrl, fetch: options.fetch, timeoutMs: options.requestTimeoutMs, credentials: options.credentials });
  }

  get auth(): Auth {
    return this.rest.auth;
  }

  login(tenant: string, username: string, password: string): Promise<Credentials> {
    return this.rest.login(tenant, username, password);
  }

  /** Ends the login session: the server closes its sockets, and this client's connection closes. */
  async logout(): Promise<void> {
    this.close();
    await this.rest.logout();
  }

  /** The signaling connection (made on first use, reconnecting on its own until closed). */
  get connection(): Connection {
    if (!this.#connection || this.#connection.state === 'closed') {
      this.#connection = new Connection({
        url: this.#options.wsUrl ?? defaultWsUrl(this.#options.baseUrl),
        auth: this.rest.auth,
        WebSocket: this.#options.WebSocket,
        requestTimeoutMs: this.#options.requestTimeoutMs,
        refreshMarginMs: this.#options.refreshMarginMs,
        backoff: this.#options.backoff,
        heartbeatMs: this.#options.heartbeatMs,
      });
    }
    return this.#connection;
  }

  /** Connects (if needed) and joins a dojo's live room. One room at a time per client: leave it before joining another. */
  async join(dojoId: string, options: RoomOptions = {}): Promise<Room> {
    const userId = this.rest.auth.credentials?.userId;
    if (!userId) throw new PocdojoError('SESSION_ENDED', 'Log in before joining a room');
    const current = this.#room;
    if (current && (current.state === 'joined' || current.state === 'joining' || current.state === 'rejoining')) {
      if (current.dojoId === dojoId) return current;
      throw new PocdojoError('CONFLICT', `Already in room ${current.dojoId}: leave it first (pushes do not name their room, so a connection carries one)`);
    }
    const connection = this.connection;
    await connection.connect();
    this.#room = await Room.join(connection, dojoId, userId, options);
    return this.#room;
  }

  /** Closes the connection for good (the room with it). */
  close(): void {
    this.#connection?.close();
    this.#connection = undefined;
    this.#room = undefined;
  }
}

function defaultWsUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '').replace(/^http/, 'ws')}/v1/ws`;
}
