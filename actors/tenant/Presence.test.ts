import test from 'ava';
import { MemoryKeyValueStore } from '../../infra/kv';
import { Presence } from './Presence';

const session = (sessionId: string, nodeId = 'gw-1') => ({ sessionId, nodeId, tenantId: 't1', userId: 'u1' });

test('online while any socket is open, on any gateway node', async (t) => {
  const presence = new Presence(new MemoryKeyValueStore());
  t.is(await presence.status('t1', 'u1'), 'OFFLINE');
  await presence.opened(session('s1'));
  await presence.opened(session('s2', 'gw-2'));
  await presence.closed(session('s1'));
  t.is(await presence.status('t1', 'u1'), 'ONLINE');
  await presence.closed(session('s2', 'gw-2'));
  t.is(await presence.status('t1', 'u1'), 'OFFLINE');
  t.is(await presence.status('t2', 'u1'), 'OFFLINE', 'presence is per tenant');
});

test('a gateway node that leaves takes its sessions with it', async (t) => {
  const presence = new Presence(new MemoryKeyValueStore());
  await presence.opened(session('s1', 'gw-dead'));
  await presence.opened({ ...session('s9', 'gw-live'), userId: 'u2' });
  await presence.nodeGone('gw-dead');
  t.is(await presence.status('t1', 'u1'), 'OFFLINE');
  t.is(await presence.status('t1', 'u2'), 'ONLINE');
});

test('a declared status overrides the sockets', async (t) => {
  const presence = new Presence(new MemoryKeyValueStore());
  await presence.declare('t1', 'u1', 'ONLINE');
  t.is(await presence.status('t1', 'u1'), 'ONLINE');
  await presence.opened(session('s1'));
  await presence.declare('t1', 'u1', 'OFFLINE');
  t.is(await presence.status('t1', 'u1'), 'OFFLINE');
});
