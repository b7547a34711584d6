import net from 'node:net';
import WebSocket from 'ws';
import { PocdojoClient, type ClientOptions, type WebSocketConstructor } from '../../clients/sdk/src/index';
import type { TestTenant, TestUser } from '../support/accounts';
import type { TestNode } from '../support/node';

// Helpers for the SDK's tests: SDK clients on Node (the `ws` package as their WebSocket), and
// a TCP proxy between them and the node so a test can cut the network under a live socket.

/** A logged-in SDK client for `user`, going through `baseUrl` (the node, or a proxy in front of it). */
export async function sdkClient(baseUrl: string, tenant: TestTenant, user: TestUser, options: Partial<ClientOptions> = {}): Promise<PocdojoClient> {
  const client = new PocdojoClient({ baseUrl, WebSocket: WebSocket as unknown as WebSocketConstructor, ...options });
  await client.login(tenant.slug, user.username, user.password);
  return client;
}

export function nodeUrl(app: TestNode): string {
  return app.url;
}

/**
 * A loopback TCP proxy to `targetPort`. `cut()` destroys every connection through it at once,
 * both ways: the client and the server each see their socket die, as when a phone loses its
 * network, with no close frame from either side.
 */
export class TcpProxy {
  readonly #server: net.Server;
  readonly #sockets = new Set<net.Socket>();
  port = 0;

  private constructor(targetPort: number) {
    this.#server = net.createServer((client) => {
      const upstream = net.connect(targetPort, '127.0.0.1');
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => {});
      }
      client.pipe(upstream);
      upstream.pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
  }

  static async start(targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetPort);
    await new Promise<void>((resolve) => proxy.#server.listen(0, '127.0.0.1', resolve));
    proxy.port = (proxy.#server.address() as net.AddressInfo).port;
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /**
   * Stops carrying bytes on every open connection without closing any: a path that died
   * silently (a NAT that forgot it, a phone between networks). New connections go through.
   */
  freeze(): void {
    for (const socket of this.#sockets) {
      socket.unpipe();
      socket.pause();
    }
  }

  /** Drops every connection (REST keep-alives and WebSockets alike); new ones go through. */
  cut(): void {
    for (const socket of this.#sockets) socket.resetAndDestroy();
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/**
 * The `ws` WebSocket with a hook on outgoing frames: a test rewrites a frame to play a server
 * that lost something (e.g. a `session.resume` for a session it no longer has).
 */
export function interceptingWebSocket(rewrite: (frame: { id: number; method: string; data: Record<string, unknown> }) => void): WebSocketConstructor {
  class Intercepting extends WebSocket {
    override send(data: string): void {
      const frame = JSON.parse(data) as { id: number; method: string; data: Record<string, unknown> };
      rewrite(frame);
      super.send(JSON.stringify(frame));
    }
  }
  return Intercepting as unknown as WebSocketConstructor;
}

/** Waits until `check` holds, polling; fails with `what` after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}
