import { randomInt, randomUUID } from 'node:crypto';
import type { Infrastructure } from '../../infra/infrastructure';
import type { Signal } from '../../media/testing/werift';
import { authed, createTenant, type TestTenant, type TestUser } from '../../test/support/accounts';
import { startTestNode, type TestNode } from '../../test/support/node';
import { WsClient, type Frame } from '../../test/support/ws-client';
import { createDojoRoomService, type DojoRoomSettings } from './dojo-room.service';
import type { RoomOptions } from './options';

/**
 * A node with the gateway, the tenant actor and this actor (with shortened timeouts when
 * asked), for tests that drive dojos as a client would.
 */
export function startDojoNode(options: Partial<RoomOptions> = {}, settings: Omit<DojoRoomSettings, 'options'> = {}): Promise<TestNode> {
  return startTestNode({
    services: ['gateway', 'tenant'],
    extraServices: [(infra: Infrastructure) => createDojoRoomService(infra, { ...settings, options })],
  });
}

/**
 * The real app as nodes register it, media included (one mediasoup worker), with WebRTC ports
 * in a random 200-port window of 40000-49999, apart from the media/*.test.ts windows, so media
 * test files running side by side never meet.
 */
export function startMediaNode(env: Record<string, string> = {}): Promise<TestNode> {
  const minPort = 40000 + randomInt(0, 50) * 200;
  return startTestNode({
    services: ['gateway', 'tenant', 'dojo-room', 'media'],
    env: { RTC_MIN_PORT: String(minPort), RTC_MAX_PORT: String(minPort + 199), MEDIASOUP_WORKERS: '1', ...env },
  });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function api<T = any>(app: TestNode, method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${app.url}${path}`, { method, headers: authed(token), body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as T) : (undefined as T) };
}

/** A started dojo of `tenant` led by `facilitator` with `members` (and `observers`). */
export async function liveDojo(app: TestNode, tenant: TestTenant, facilitator: TestUser, members: TestUser[], extra: { observers?: TestUser[]; max_participants?: number } = {}): Promise<string> {
  const created = await api<{ dojo_id: string }>(app, 'POST', '/v1/dojo/create', facilitator.token, {
    tenant_id: tenant.tenantId,
    dojo_date: new Date().toISOString(),
    subject: 'Katas',
    members: members.map((m) => m.userId),
    ...(extra.observers ? { observers: extra.observers.map((o) => o.userId) } : {}),
    ...(extra.max_participants ? { max_participants: extra.max_participants } : {}),
  });
  if (created.status !== 201) throw new Error(`create failed: ${created.status} ${JSON.stringify(created.body)}`);
  const started = await api(app, 'POST', '/v1/dojo/start', facilitator.token, { tenant_id: tenant.tenantId, dojo_id: created.body.dojo_id });
  if (started.status !== 200) throw new Error(`start failed: ${started.status} ${JSON.stringify(started.body)}`);
  return created.body.dojo_id;
}

/** A connected client that has joined `dojoId`, with its join reply and session id. */
export async function joined(app: TestNode, user: TestUser, dojoId: string): Promise<{ client: WsClient; reply: Frame; sessionId: string }> {
  const client = await WsClient.connect(app.wsUrl, user.token);
  const { sessionId } = await client.nextPushOf('session.welcome');
  const reply = await client.request('room.join', { dojoId });
  if (!reply.ok) throw new Error(`join failed: ${JSON.stringify(reply.error)}`);
  return { client, reply, sessionId };
}

export function clientMsgId(): string {
  return randomUUID();
}

export { createTenant };

/** The socket as werift's signaling: a refused request throws, as a client SDK would. */
export function wsSignal(client: WsClient): Signal {
  return async (method, data) => {
    const reply = await client.request(method, data);
    if (!reply.ok) throw new Error(`${method} refused: ${JSON.stringify(reply.error)}`);
    return reply.data;
  };
}
