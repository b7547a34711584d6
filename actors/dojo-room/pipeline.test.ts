import test from 'ava';
import type { z } from 'zod';
import { createTenant, type TestTenant } from '../../test/support/accounts';
import type { TestNode } from '../../test/support/node';
import { WS_METHODS, type WsMethod } from '../../protocol/ws';
import { clientMsgId, joined, liveDojo, startDojoNode } from './testing';

// The WebSocket pipeline as a client drives it: a frame's data is parsed once on its way to the
// room (by the gateway, against protocol/ws.ts), and the method's role rule from the same table
// is what the room answers with.

let app: TestNode;
let tenant: TestTenant;

/** Counts the parses of each method's data schema (everything validates through `safeParse`). */
const parses = new Map<WsMethod, number>();
function countParses(method: WsMethod): void {
  const schema = WS_METHODS[method].data as z.ZodType;
  const original = schema.safeParse.bind(schema);
  schema.safeParse = ((value: unknown, params?: never) => {
    parses.set(method, (parses.get(method) ?? 0) + 1);
    return original(value, params);
  }) as typeof schema.safeParse;
}

test.before(async () => {
  app = await startDojoNode();
  tenant = await createTenant(app, { members: 2, facilitators: 1 });
  for (const method of ['chat.send', 'media.produce', 'code.update', 'room.kick'] as const) countParses(method);
});

test.after.always(async () => {
  await app?.stop();
});

test('a frame is parsed once on its way to the room, and the room answers with the method role rule', async (t) => {
  const [fac, member, watcher] = [tenant.facilitators[0]!, tenant.members[0]!, tenant.members[1]!];
  const dojoId = await liveDojo(app, tenant, fac, [member], { observers: [watcher] });
  const guest = await joined(app, member, dojoId);
  const observer = await joined(app, watcher, dojoId);
  parses.clear();

  t.like(await guest.client.request('chat.send', { text: 'olá', clientMsgId: clientMsgId() }), { ok: true, data: { duplicate: false } });
  t.is(parses.get('chat.send'), 1, 'chat.send: the gateway parsed it; the room took it as typed');

  const produce = { transportId: 't1', kind: 'audio', rtpParameters: {} };
  t.like(await observer.client.request('media.produce', produce), { ok: false, error: { code: 'FORBIDDEN', message: 'Observers cannot send media' } });
  t.is(parses.get('media.produce'), 1, 'media.produce: once, though it passes the gateway, the room and media');

  t.like(await observer.client.request('code.update', { update: 'AAA=' }), { ok: false, error: { code: 'FORBIDDEN', message: 'Observers cannot edit the code' } });
  t.like(await guest.client.request('room.kick', { userId: watcher.userId }), { ok: false, error: { code: 'FORBIDDEN', message: 'Only a facilitator may remove participants' } });
  t.like(await guest.client.request('recording.start', {}), { ok: false, error: { code: 'FORBIDDEN', message: 'Only a facilitator may record' } });
  t.is(parses.get('room.kick'), 1);

  // A bad frame stops at the gateway, named by field, and is not parsed again.
  const bad = await guest.client.request('chat.send', { text: '', clientMsgId: 'x' });
  t.like(bad, { ok: false, error: { code: 'VALIDATION_ERROR' } });
  t.deepEqual(
    bad.error?.fields?.map((f) => f.field),
    ['data.text'],
  );
  t.is(parses.get('chat.send'), 2);

  // The room still serves the observer what its role allows.
  t.like(await observer.client.request('chat.send', { text: 'oi', clientMsgId: clientMsgId() }), { ok: true });
  await Promise.all([guest.client.close(), observer.client.close()]);
});

test('every method is declared once, with a server; role rules only on room methods', (t) => {
  for (const [method, spec] of Object.entries(WS_METHODS)) {
    t.true(spec.server === 'gateway' || spec.server === 'dojo-room' || spec.server === 'kata', method);
    if ('roles' in spec && spec.roles) {
      t.is(spec.server, 'dojo-room', `${method}: only a room knows the caller's role`);
      t.true(spec.roles.allowed.length > 0 && spec.roles.refusal.length > 0, method);
    }
  }
});
