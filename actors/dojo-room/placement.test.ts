import { randomBytes, randomUUID } from 'node:crypto';
import test from 'ava';
import { ServiceBroker, type Context } from 'moleculer';
import * as Y from 'yjs';
import { ZodValidator } from '../../infra/broker/zodValidator';
import type { Infrastructure } from '../../infra/infrastructure';
import { Database } from '../../infra/db/database';
import { createKeyValueStore, createLeaseManager, type KeyValueStore, type LeaseManager } from '../../infra/kv';
import { silentLogger } from '../../infra/logger';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import type { AuthContext } from '../auth';
import { createDojoRoomService } from './dojo-room.service';
import { FencedOutError } from './errors';
import { RoomStore } from './RoomStore';

// Several dojo-room nodes in this process sharing one database and one lease store (Redis when
// REDIS_URL is set), over NATS when TRANSPORTER is set and Moleculer's in-process bus otherwise.
// A stand-in gateway on each node records what the rooms publish.
const namespace = `placement-${randomBytes(4).toString('hex')}`;
let testDb: TestDatabase;
let db: Database;
let kv: KeyValueStore;
let leases: LeaseManager;
const brokers: ServiceBroker[] = [];
const published = new Map<string, Array<{ topic: string; seq?: number; frame: string }>>();

test.before(async () => {
  testDb = await createTestDatabase();
  db = new Database({ url: testDb.url, logger: silentLogger });
  kv = createKeyValueStore({ redisUrl: process.env.REDIS_URL, keyPrefix: 'pocdojo:' });
  leases = createLeaseManager(kv);
});

test.after.always(async () => {
  await Promise.all(brokers.map((b) => b.stop().catch(() => undefined)));
  await kv?.close();
  await db?.close();
  await testDb?.drop();
});

async function startNode(name: string): Promise<ServiceBroker> {
  const nodeID = `${name}-${namespace}`;
  const broker = new ServiceBroker({ nodeID, namespace, transporter: process.env.TRANSPORTER ?? 'Fake', logger: false, heartbeatInterval: 1, heartbeatTimeout: 3, validator: new ZodValidator() });
  const infra = { config: { namespace }, database: db, kv, leases } as unknown as Infrastructure;
  broker.createService(createDojoRoomService(infra, { chat: 'database', options: { leaseTtlMs: 1_500, leaseRenewMs: 300, leaseSafetyMs: 200, chatPerSecond: 1_000, chatBurst: 1_000 } }));
  const frames: Array<{ topic: string; seq?: number; frame: string }> = [];
  published.set(nodeID, frames);
  broker.createService({
    name: 'gateway',
    actions: {
      publish: (ctx: Context<{ topic: string; seq?: number; frame: string }>) => void frames.push(ctx.params),
      sendToSessions: (ctx: Context<{ sessionIds: string[] }>) => ({ delivered: ctx.params.sessionIds.length }),
    },
  });
  await broker.start();
  brokers.push(broker);
  // Wait until every node sees every other, so forwarding by nodeID works at once.
  for (const b of brokers) {
    for (const other of brokers) {
      while (!b.registry.nodes.get(other.nodeID)?.available) await new Promise((r) => setTimeout(r, 50));
    }
  }
  return broker;
}

async function seedDojo(): Promise<{ tenantId: string; dojoId: string; host: AuthContext; guest: AuthContext }> {
  const tenantId = randomUUID();
  const dojoId = randomUUID();
  const ids = [randomUUID(), randomUUID()] as const;
  await db.asSystem(async () => {
    const q = (sql: string, bind: unknown[]) => db.sequelize.query(sql, { bind });
    await q(`INSERT INTO tenants (id, name, slug) VALUES ($1, 'P', $2)`, [tenantId, `p-${tenantId.slice(0, 8)}`]);
    for (const [i, id] of ids.entries()) {
      await q(`INSERT INTO users (id, tenant_id, username, email, first_name, last_name, password_hash, status) VALUES ($1, $2, $3, $4, 'A', 'B', 'x', 'A')`, [
        id,
        tenantId,
        `u${i}${id.slice(0, 6)}`,
        `${id}@mail.test`,
      ]);
    }
    await q(`INSERT INTO dojos (id, tenant_id, facilitator_id, subject, dojo_date, status, join_code) VALUES ($1, $2, $3, 'P', now(), 'ACTIVE', 'CODE2345')`, [dojoId, tenantId, ids[0]]);
    await q(`INSERT INTO dojo_participants (tenant_id, dojo_id, user_id, role) VALUES ($1, $2, $3, 'facilitator'), ($1, $2, $4, 'participant')`, [tenantId, dojoId, ids[0], ids[1]]);
  });
  const auth = (userId: string, role: AuthContext['role']): AuthContext => ({ userId, tenantId, role, sessionId: randomUUID() });
  return { tenantId, dojoId, host: auth(ids[0], 'facilitator'), guest: auth(ids[1], 'member') };
}

let gatewayNodeId = '';

function signal(broker: ServiceBroker, auth: AuthContext, method: string, data: unknown, dojoId: string) {
  const params = { method, data, dojoId, sessionId: auth.sessionId, gatewayNodeId: gatewayNodeId || brokers[0]!.nodeID };
  return broker.call<{ data: any }, object>('dojo-room.signal', params, { meta: { auth } }); // eslint-disable-line @typescript-eslint/no-explicit-any
}

const framesOf = (topic: string) =>
  [...published.values()]
    .flat()
    .filter((f) => f.topic === topic)
    .map((f) => JSON.parse(f.frame) as { method: string; seq?: number; data: any }); // eslint-disable-line @typescript-eslint/no-explicit-any

test.serial('concurrent calls through every node meet one activation, handled one turn at a time', async (t) => {
  const [a, b] = [await startNode('a'), await startNode('b')];
  const { tenantId, dojoId, host, guest } = await seedDojo();
  const topic = `room/${tenantId}/${dojoId}`;
  const sessions = Array.from({ length: 10 }, (_, i) => ({ broker: i % 2 ? a : b, auth: { ...(i % 2 ? host : guest), sessionId: randomUUID() } }));
  const joins = await Promise.all(sessions.map((s) => signal(s.broker, s.auth, 'room.join', { dojoId }, dojoId)));
  // One room: every join saw the same epoch, i.e. the same activation.
  t.is(new Set(joins.map((j) => Math.floor(j.data.seq / 2 ** 32))).size, 1);
  const sends = await Promise.all(
    Array.from({ length: 100 }, (_, i) => {
      const s = sessions[i % sessions.length]!;
      return signal(s.broker, s.auth, 'chat.send', { text: `m${i}`, clientMsgId: `c${i}` }, dojoId);
    }),
  );
  t.is(new Set(sends.map((r) => r.data.messageId)).size, 100);
  const seqs = framesOf(topic)
    .filter((f) => f.method === 'chat.message')
    .map((f) => f.seq as number);
  t.is(seqs.length, 100);
  t.deepEqual(
    [...seqs].sort((x, y) => x - y),
    seqs,
    'pushes leave in seq order',
  );
  t.is(seqs[seqs.length - 1]! - seqs[0]!, 99, 'no gap, no repeat');
});

test.serial('a node that joins later does not move a live room; its calls are forwarded to the owner', async (t) => {
  const { tenantId, dojoId, host } = await seedDojo();
  await signal(brokers[0]!, host, 'room.join', { dojoId }, dojoId);
  const owner = (await leases.holder(`room:${tenantId}:${dojoId}`))?.owner;
  const c = await startNode('c');
  const reply = await signal(c, host, 'chat.send', { text: 'via the newcomer', clientMsgId: 'n1' }, dojoId);
  t.truthy(reply.data.messageId);
  t.is((await leases.holder(`room:${tenantId}:${dojoId}`))?.owner, owner);
});

test.serial('an owner that stops hands the room over with its code and chat', async (t) => {
  const { tenantId, dojoId, host, guest } = await seedDojo();
  const [a, b, c] = brokers as [ServiceBroker, ServiceBroker, ServiceBroker];
  // The members' sockets are on a node that stays up.
  gatewayNodeId = c.nodeID;
  await signal(a, host, 'room.join', { dojoId }, dojoId);
  const doc = new Y.Doc();
  doc.getText('code').insert(0, 'moves along');
  await signal(a, host, 'code.update', { update: Buffer.from(Y.encodeStateAsUpdate(doc)).toString('base64') }, dojoId);
  await signal(a, host, 'chat.send', { text: 'remember me', clientMsgId: 'r1' }, dojoId);
  const ownerId = (await leases.holder(`room:${tenantId}:${dojoId}`))?.owner;
  const owner = brokers.find((x) => x.nodeID === ownerId) as ServiceBroker;
  const survivor = owner === a ? b : a;
  await owner.stop();
  brokers.splice(brokers.indexOf(owner), 1);
  const join = await signal(survivor, guest, 'room.join', { dojoId }, dojoId);
  const seen = new Y.Doc();
  Y.applyUpdate(seen, Buffer.from(join.data.code, 'base64'));
  t.is(seen.getText('code').toString(), 'moves along');
  t.deepEqual(
    join.data.chat.map((m: { text: string }) => m.text),
    ['remember me'],
  );
  // The host's session moved with the room (presence), so it is still a participant.
  t.deepEqual(join.data.participants.map((p: { userId: string }) => p.userId).sort(), [host.userId, guest.userId].sort());
  t.is((await leases.holder(`room:${tenantId}:${dojoId}`))?.owner, survivor.nodeID);
});

test.serial('a room that loses its lease stops at once, and its stale writes are refused', async (t) => {
  const { tenantId, dojoId, host } = await seedDojo();
  const node = brokers[0]!;
  const first = await signal(node, host, 'room.join', { dojoId }, dojoId);
  const name = `room:${tenantId}:${dojoId}`;
  const held = await leases.holder(name);
  // Someone else's lease now: the owner must notice on its next renewal and deactivate.
  await leases.release(name, held!.owner, held!.token);
  t.truthy(await leases.acquire(name, 'intruder', 1_500));
  await new Promise((r) => setTimeout(r, 700));
  // The holder is no node at all: the call waits for its lease to lapse, then re-activates the room.
  const sent = await signal(node, host, 'chat.send', { text: 'after the intruder', clientMsgId: 'x1' }, dojoId);
  t.truthy(sent.data.messageId);
  t.not((await leases.holder(name))?.token, held!.token);
  const again = await signal(node, host, 'room.join', { dojoId }, dojoId);
  const [oldEpoch, newEpoch] = [first, again].map((j) => Math.floor(j.data.seq / 2 ** 32));
  t.true(newEpoch! > oldEpoch!);
  // A write by the old activation (its epoch) cannot land any more.
  const store = new RoomStore(db);
  await t.throwsAsync(store.appendCode({ tenantId, dojoId }, oldEpoch!, Y.encodeStateAsUpdate(new Y.Doc()), 1), { instanceOf: FencedOutError });
  await t.throwsAsync(store.snapshot({ tenantId, dojoId }, oldEpoch!, { state: new Uint8Array([0, 0]), text: '', updateCount: 0, lastUpdateId: 0 }), { instanceOf: FencedOutError });
  await t.notThrowsAsync(store.appendCode({ tenantId, dojoId }, newEpoch!, Y.encodeStateAsUpdate(new Y.Doc()), 1));
});
