import type { ServiceSchema } from 'moleculer';
import * as Y from 'yjs';
import type { Infrastructure } from '../../infra/infrastructure';
import type { ExecutionResult } from '../../protocol/codeExec';
import type { PushData } from '../../protocol/push';
import { authed, type TestTenant, type TestUser } from '../../test/support/accounts';
import { startTestNode, type TestNode } from '../../test/support/node';
import { WsClient, type Frame } from '../../test/support/ws-client';

/**
 * A node with the gateway, tenant, dojo-room and code-exec, with short sandbox limits so hostile
 * runs end in a couple of seconds.
 */
export function startCodeNode(env: Record<string, string> = {}, extraServices: Array<(infra: Infrastructure) => ServiceSchema> = []): Promise<TestNode> {
  return startTestNode({
    services: ['gateway', 'tenant', 'dojo-room', 'code-exec'],
    extraServices,
    env: { CODE_EXEC_TIMEOUT_MS: '2000', CODE_EXEC_ROOM_RUNS_PER_MINUTE: '1000', CODE_EXEC_ROOM_QUEUED: '50', ...env },
  });
}

/** A started dojo in `language`, with a kata's `tests` when given. */
export async function codeDojo(
  app: TestNode,
  tenant: TestTenant,
  facilitator: TestUser,
  members: TestUser[],
  opts: { language?: string; tests?: string; observers?: TestUser[] } = {},
): Promise<string> {
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${app.url}${path}`, { method: 'POST', headers: authed(facilitator.token), body: JSON.stringify(body) });
    const json = (await res.json()) as { dojo_id: string };
    if (!res.ok) throw new Error(`${path} -> ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const { dojo_id } = await post('/v1/dojo/create', {
    tenant_id: tenant.tenantId,
    dojo_date: new Date().toISOString(),
    subject: 'Kata',
    members: members.map((m) => m.userId),
    ...(opts.observers ? { observers: opts.observers.map((o) => o.userId) } : {}),
    language: opts.language ?? 'python',
    ...(opts.tests ? { tests: opts.tests } : {}),
  });
  await post('/v1/dojo/start', { tenant_id: tenant.tenantId, dojo_id });
  return dojo_id;
}

/** A member in the room with an editor bound to the room's shared code. */
export async function coder(app: TestNode, user: TestUser, dojoId: string) {
  const client = await WsClient.connect(app.wsUrl, user.token);
  await client.nextPushOf('session.welcome');
  const join = await client.request('room.join', { dojoId });
  if (!join.ok) throw new Error(`join failed: ${JSON.stringify(join.error)}`);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Buffer.from((join.data as { code: string }).code, 'base64'));
  client.socket.on('message', (raw) => {
    const frame = JSON.parse(raw.toString()) as Frame;
    if (frame.method === 'code.update') Y.applyUpdate(doc, Buffer.from((frame.data as { update: string }).update, 'base64'), 'remote');
  });
  /** Replaces the room's code (one Yjs update, acknowledged once durable). */
  const write = async (code: string) => {
    let update: Uint8Array | undefined;
    doc.once('update', (u: Uint8Array) => (update = u));
    doc.transact(() => {
      const text = doc.getText('code');
      text.delete(0, text.length);
      text.insert(0, code);
    });
    if (!update) return;
    const ack = await client.request('code.update', { update: Buffer.from(update).toString('base64') });
    if (!ack.ok) throw new Error(`code.update refused: ${JSON.stringify(ack.error)}`);
  };
  /** Writes `code`, presses run (code.run) and waits for the room's code.result of that run. */
  const run = async (code: string, language?: string, timeoutMs = 60_000): Promise<{ result: ExecutionResult; executionId: string; output: Array<PushData<'code.output'>> }> => {
    await write(code);
    const reply = await client.request('code.run', language ? { language } : {});
    if (!reply.ok) throw Object.assign(new Error(`code.run refused: ${JSON.stringify(reply.error)}`), { reply });
    const { executionId } = reply.data as { executionId: string };
    const result = await client.nextPushOf('code.result', (d) => d.executionId === executionId, timeoutMs);
    const output = client.pushes.filter((f) => f.method === 'code.output' && (f.data as { executionId: string }).executionId === executionId).map((f) => f.data as PushData<'code.output'>);
    return { result, executionId, output };
  };
  return { client, doc, dojoId, write, run };
}
