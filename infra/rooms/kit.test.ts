import { randomBytes, randomUUID } from 'node:crypto';
import test from 'ava';
import { ServiceBroker, type Context, type ServiceSchema } from 'moleculer';
import { createKeyValueStore, createLeaseManager, type KeyValueStore, type LeaseManager } from '../kv';
import { silentLogger } from '../logger';
import { LiveRoom, RoomFanout, RoomKit, type LocalParams, type RoomKitMetrics, type RoomNaming } from '.';

// A second user of the kit, as small as a room actor gets: a tally that any node may be asked
// to add to. Two nodes in this process share a lease store (Redis when REDIS_URL is set) and a
// "database" (a Map), over NATS when TRANSPORTER is set and Moleculer's in-process bus otherwise.
type Key = { tenantId: string; roomId: string };
type Call = { add: number };
const naming: RoomNaming<Key> = {
  id: (k) => `${k.tenantId}:${k.roomId}`,
  lease: (k) => `tally:${k.tenantId}:${k.roomId}`,
  topic: (k) => `tally/${k.tenantId}/${k.roomId}`,
};
const metrics: RoomKitMetrics = { activation() {}, forward() {}, fanout() {} };
const namespace = `kit-${randomBytes(4).toString('hex')}`;
const saved = new Map<string, { total: number; epoch: number }>();
const published = new Map<string, number[]>();
let activations = 0;
let kv: KeyValueStore;
let leases: LeaseManager;
const brokers: ServiceBroker[] = [];

class TallyRoom extends LiveRoom {
  readonly fanout: RoomFanout<{ 'tally.changed': { total: number } }>;
  constructor(
    readonly key: Key,
    public total: number,
    readonly epoch: number,
    broker: ServiceBroker,
  ) {
    super(silentLogger);
    this.fanout = new RoomFanout(broker, naming.topic(key), epoch, metrics, silentLogger);
  }
  protected async onCreate(): Promise<void> {
    activations++;
  }
  protected onClosing(): void {}
  protected async onDispose(_reason: string, owner: boolean): Promise<void> {
    if (owner) saved.set(naming.id(this.key), { total: this.total, epoch: this.epoch });
  }
}

function tallyService(): ServiceSchema {
  let kit: RoomKit<Key, TallyRoom, Call> | undefined;
  return {
    name: 'tally',
    actions: {
      add: (ctx: Context<Key & Call>) => kit?.send({ tenantId: ctx.params.tenantId, roomId: ctx.params.roomId }, { add: ctx.params.add }),
      local: (ctx: Context<LocalParams<Key, Call>>) => kit?.local(ctx.params),
    },
    started() {
      const broker = this.broker;
      kit = new RoomKit<Key, TallyRoom, Call>(
        {
          service: 'tally',
          naming,
          create: async (key) => {
            const last = saved.get(naming.id(key)) ?? { total: 0, epoch: 0 };
            return new TallyRoom(key, last.total, last.epoch + 1, broker);
          },
          deliver: (room, call) =>
            room.run(() => {
              room.total += call.add;
              const seq = room.fanout.push('tally.changed', { total: room.total }, [broker.nodeID]);
              return { value: { total: room.total, seq, node: broker.nodeID } };
            }),
        },
        { broker, leases, options: { leaseTtlMs: 1_500, leaseRenewMs: 300, leaseSafetyMs: 200, forwardPatienceMs: 400, dispatchDeadlineMs: 9_000 }, metrics, logger: silentLogger },
      );
    },
    async stopped() {
      await kit?.closeAll();
    },
  };
}

async function startNode(name: string): Promise<ServiceBroker> {
  const nodeID = `${name}-${namespace}`;
  const broker = new ServiceBroker({ nodeID, namespace, transporter: process.env.TRANSPORTER ?? 'Fake', logger: false, heartbeatInterval: 1, heartbeatTimeout: 3 });
  broker.createService(tallyService());
  const seqs: number[] = [];
  published.set(nodeID, seqs);
  broker.createService({ name: 'gateway', actions: { publish: (ctx: Context<{ seq: number }>) => void seqs.push(ctx.params.seq) } });
  await broker.start();
  brokers.push(broker);
  for (const b of brokers) for (const other of brokers) while (!b.registry.nodes.get(other.nodeID)?.available) await new Promise((r) => setTimeout(r, 50));
  return broker;
}

// With the in-process bus and store nothing else holds the event loop open, and the kit's own
// timers (lease renewals, lease watches) are unref'd so they never keep a node alive.
let keepAlive: NodeJS.Timeout;

test.before(async () => {
  keepAlive = setInterval(() => undefined, 1_000);
  kv = createKeyValueStore({ redisUrl: process.env.REDIS_URL, keyPrefix: `${namespace}:` });
  leases = createLeaseManager(kv);
});

test.after.always(async () => {
  await Promise.all(brokers.map((b) => b.stop().catch(() => undefined)));
  await kv?.close();
  clearInterval(keepAlive);
});

type Added = { total: number; seq: number; node: string };

test.serial('calls through any node meet one activation, one turn at a time, and its pushes rise in seq', async (t) => {
  const [a, b] = [await startNode('a'), await startNode('b')];
  const key = { tenantId: randomUUID(), roomId: randomUUID() };
  const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).call<Added, Key & Call>('tally.add', { ...key, add: 1 })));
  t.is(activations, 1);
  t.is(new Set(replies.map((r) => r.node)).size, 1, 'every call ran on the owner');
  t.deepEqual(
    replies.map((r) => r.total).sort((x, y) => x - y),
    Array.from({ length: 20 }, (_, i) => i + 1),
  );
  const owner = replies[0]?.node ?? '';
  const seqs = published.get(owner) ?? [];
  t.is(seqs.length, 20);
  t.deepEqual(
    [...seqs].sort((x, y) => x - y),
    seqs,
  );
  t.is(seqs[0], 1 * 2 ** 32 + 1, 'seq = epoch * 2^32 + n');

  // The owner stops: the other node takes the room over with its state, in a newer epoch.
  const [stopping, survivor] = owner === a.nodeID ? [a, b] : [b, a];
  await stopping.stop();
  brokers.splice(brokers.indexOf(stopping), 1);
  const after = await survivor.call<Added, Key & Call>('tally.add', { ...key, add: 5 });
  t.is(after.node, survivor.nodeID);
  t.is(after.total, 25);
  t.is(activations, 2);
  t.true(after.seq > (seqs.at(-1) ?? Infinity), 'a new activation pushes above every seq of the old one');
});
