import { randomBytes } from 'node:crypto';
import test from 'ava';
import { createKeyValueStore, createLeaseManager } from '../../infra/kv';
import { authed } from '../../test/support/accounts';
import { Cluster } from '../../test/support/cluster';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { seedTenant, type SeededUser } from '../../test/support/seed';
import { WsClient, type Frame } from '../../test/support/ws-client';
import { appendEdit, codeText } from './testing';

// Real processes over real NATS and Redis: a gateway and two nodes hosting dojo-room and kata.
// The node holding a breakout room is SIGKILLed: the room comes back on the survivor with its
// code, its members carry on, and the kata (wherever it was) still answers and ends with results.
const ready = Boolean(process.env.REDIS_URL && process.env.TRANSPORTER);
const run = ready ? test.serial : test.skip;
if (!ready) test.skip('multi-node failover needs REDIS_URL and TRANSPORTER (CI real-services pass)', () => undefined);

const secret = randomBytes(32).toString('hex');
let db: TestDatabase | undefined;
let cluster: Cluster | undefined;

test.after.always(async () => {
  await cluster?.stop();
  await db?.drop();
});

/** As a client does: a call that timed out or found no service is sent again as it was. */
async function retried(call: () => Promise<Frame>, forMs = 30_000): Promise<Frame> {
  const until = Date.now() + forMs;
  for (;;) {
    const reply = await call();
    if (reply.ok || !['TIMEOUT', 'SERVICE_UNAVAILABLE'].includes(String(reply.error?.code)) || Date.now() >= until) return reply;
    await new Promise((r) => setTimeout(r, 100));
  }
}

run('the node holding a breakout room dies: the room comes back on the survivor with its code; the kata carries on and ends', async (t) => {
  t.timeout(150_000);
  db = await createTestDatabase();
  // Three room nodes: the breakout room's and the kata's can both die, and one still survives.
  cluster = await Cluster.start({ databaseUrl: db.url, jwtSecret: secret, roomNodes: 3, roomServices: 'dojo-room,kata', env: { REQUEST_TIMEOUT_MS: '4000' } });
  const { tenantId, users } = await seedTenant(db.url, secret, ['admin', 'member', 'member']);
  const [admin, ...members] = users as [SeededUser, ...SeededUser[]];
  const api = async (method: string, path: string, token: string, body?: unknown, forMs = 30_000) => {
    const until = Date.now() + forMs;
    for (;;) {
      const res = await fetch(`${cluster!.url}${path}`, { method, headers: authed(token), body: body === undefined ? undefined : JSON.stringify(body) });
      const answer = { status: res.status, body: (await res.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
      // 503/504 while the dead node's heartbeats are still expected: a client tries again.
      if (![503, 504].includes(res.status) || Date.now() >= until) return answer;
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const created = await api('POST', '/v1/dojo/create', admin.token, { tenant_id: tenantId, dojo_date: new Date().toISOString(), subject: 'Kata failover', members: members.map((m) => m.userId) });
  t.is(created.status, 201, JSON.stringify(created.body));
  const dojoId = created.body.dojo_id as string;
  t.is((await api('POST', '/v1/dojo/start', admin.token, { tenant_id: tenantId, dojo_id: dojoId })).status, 200);
  const host = await WsClient.connect(cluster.wsUrl, admin.token);
  const [a, b] = await Promise.all(members.map((m) => WsClient.connect(cluster!.wsUrl, m.token)));
  for (const client of [host, a!, b!]) t.true((await client.request('room.join', { dojoId })).ok);

  const started = await api('POST', '/v1/katas', admin.token, {
    dojo_id: dojoId,
    title: 'Failover',
    statement: 'Survive.',
    language: 'javascript',
    starter_code: '// go\n',
    duration_minutes: 30,
    room_size: 2,
  });
  t.is(started.status, 201, JSON.stringify(started.body));
  const kataId = started.body.id as string;
  const auto = await api('POST', `/v1/katas/${kataId}/rooms/auto`, admin.token, { size: 2 });
  t.is(auto.status, 201, JSON.stringify(auto.body));
  const roomId = auto.body.rooms[0].id as string;
  const joinA = await a!.request('room.join', { dojoId: roomId });
  const joinB = await b!.request('room.join', { dojoId: roomId });
  t.true(joinA.ok && joinB.ok, JSON.stringify([joinA.error, joinB.error]));
  t.true((await a!.request('code.update', { dojoId: roomId, update: appendEdit(joinA.data.code, 'let x = 1;\n') })).ok);

  const kv = createKeyValueStore({ redisUrl: process.env.REDIS_URL, keyPrefix: `${cluster.namespace}:` });
  t.teardown(() => kv.close());
  const leases = createLeaseManager(kv);
  const owner = (await leases.holder(`room:${tenantId}:${roomId}`))?.owner as string;
  const kataOwner = (await leases.holder(`kata:${tenantId}:${kataId}`))?.owner;
  t.truthy(owner);
  t.log(`breakout room on ${owner}, kata on ${kataOwner}`);
  cluster.kill(owner);
  const killedAt = Date.now();

  // The members carry on in their room: the next call re-activates it on the survivor, code intact.
  const state = (await retried(() => b!.request('room.join', { dojoId: roomId }, 10_000))) as Frame;
  t.true(state.ok, JSON.stringify(state.error));
  t.is(codeText(state.data.code), '// go\nlet x = 1;\n', 'the code acked before the kill is there');
  t.is(state.data.parentDojoId, dojoId);
  const edited = await retried(() => b!.request('code.update', { dojoId: roomId, update: appendEdit(state.data.code, 'x++;\n') }, 10_000));
  t.true(edited.ok, JSON.stringify(edited.error));
  const survivor = (await leases.holder(`room:${tenantId}:${roomId}`))?.owner;
  t.truthy(survivor);
  t.not(survivor, owner);
  t.log(`breakout room active again on ${survivor} ${Date.now() - killedAt} ms after the SIGKILL`);

  // Now the kata's node dies too (if it was not the same): nobody calls the kata, yet its sweep
  // activates it on a survivor, so its timer runs there.
  const dead = new Set([owner]);
  if (kataOwner && !dead.has(kataOwner)) {
    cluster.kill(kataOwner);
    dead.add(kataOwner);
  }
  let kataNow: string | undefined;
  for (const until = Date.now() + 30_000; Date.now() < until; await new Promise((r) => setTimeout(r, 250))) {
    kataNow = (await leases.holder(`kata:${tenantId}:${kataId}`))?.owner;
    if (kataNow && !dead.has(kataNow)) break;
  }
  t.truthy(kataNow && !dead.has(kataNow), 'the kata is active again on a survivor without being called');
  t.log(`kata active again on ${kataNow}`);
  const extended = await api('PUT', `/v1/katas/${kataId}/extend`, admin.token, { minutes: 1 });
  t.is(extended.status, 200, JSON.stringify(extended.body));
  const ended = await api('PUT', `/v1/katas/${kataId}/end`, admin.token);
  t.is(ended.status, 200, JSON.stringify(ended.body));
  t.is(ended.body.rooms[0].result.final_code, '// go\nlet x = 1;\nx++;\n');
  await Promise.all([host.close(), a!.close(), b!.close()]);
});
