import * as Y from 'yjs';
import type { Infrastructure } from '../../infra/infrastructure';
import type { PushData } from '../../protocol/push';
import { startTestNode, type TestNode } from '../../test/support/node';
import type { WsClient } from '../../test/support/ws-client';
import { createDojoRoomService } from '../dojo-room/dojo-room.service';
import type { RoomOptions } from '../dojo-room/options';
import { createKataService } from './kata.service';
import type { KataOptions } from './options';

/** A node with the gateway, tenant, dojo-room and kata actors, with shortened timings when asked. */
export function startKataNode(options: Partial<KataOptions> = {}, room: Partial<RoomOptions> = {}, env: Record<string, string> = {}): Promise<TestNode> {
  return startTestNode({
    services: ['gateway', 'tenant'],
    env,
    extraServices: [(infra: Infrastructure) => createDojoRoomService(infra, { options: room }), (infra: Infrastructure) => createKataService(infra, { options })],
  });
}

/** The text of a room's code from its base64 Yjs state (room.join's `code`). */
export function codeText(state: string): string {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, new Uint8Array(Buffer.from(state, 'base64')));
  const text = doc.getText('code').toString();
  doc.destroy();
  return text;
}

/** An edit on top of `state`: `text` appended; returns the update to send as code.update (base64). */
export function appendEdit(state: string, text: string): string {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, new Uint8Array(Buffer.from(state, 'base64')));
  const before = Y.encodeStateVector(doc);
  const code = doc.getText('code');
  code.insert(code.length, text);
  const update = Y.encodeStateAsUpdate(doc, before);
  doc.destroy();
  return Buffer.from(update).toString('base64');
}

/** The next kata.roomAssigned push that names `userId`. */
export function assignmentOf(client: WsClient, userId: string, timeoutMs?: number): Promise<PushData<'kata.roomAssigned'>> {
  return client.nextPushOf('kata.roomAssigned', (d) => d.userIds.includes(userId), timeoutMs);
}
