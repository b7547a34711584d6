import test from 'ava';
import fc from 'fast-check';
import { authed } from '../support/accounts';
import { WsClient } from '../support/ws-client';
import { WS_CORPUS } from './corpus';
import { wsFaults } from './oracle';
import { failureReport, fuzzParameters } from './settings';
import { expectedReplyId, frameMethod, wsCase, type WsCase } from './ws-cases';
import { startFuzzWorld, type FuzzWorld } from './world';

// Every WebSocket method, fed valid-shaped and hostile frames by the facilitator of a live dojo:
// each frame gets exactly one reply carrying its id, never a server error or internals, and the
// socket stays open.

let world: FuzzWorld;
let client: WsClient;

// Longer than the gateway's request timeout, so a slow action is seen as its TIMEOUT reply.
const REPLY_WAIT_MS = 15_000;

async function connect(): Promise<void> {
  client = await WsClient.connect(world.app.wsUrl, world.fuzzer.token);
  const joined = await client.request('room.join', { dojoId: world.dojoId });
  if (!joined.ok) throw new Error(`could not join the fuzz dojo: ${JSON.stringify(joined.error)}`);
}

test.before(async () => {
  world = await startFuzzWorld();
  const res = await fetch(`${world.app.url}/v1/dojo/start`, {
    method: 'POST',
    headers: authed(world.fuzzer.token),
    body: JSON.stringify({ tenant_id: world.fuzzer.tenantId, dojo_id: world.dojoId }),
  });
  if (!res.ok) throw new Error(`could not start the fuzz dojo: ${res.status} ${await res.text()}`);
  await connect();
});

test.after.always(async () => {
  await client?.close();
  await world?.stop();
});

const codes = new Map<string, number>();

/** Sends the frame and returns what is wrong with how it was answered. */
async function faultsOf(c: WsCase): Promise<string[]> {
  const id = expectedReplyId(c.frame);
  let reply;
  try {
    reply = await client.requestRaw(c.frame, id as string | number, REPLY_WAIT_MS);
  } catch {
    return [client.closed ? `socket closed ${client.closed.code} ${client.closed.reason}` : `no reply with id ${JSON.stringify(id)}`];
  }
  const code = reply.ok ? 'ok' : String(reply.error?.code);
  codes.set(code, (codes.get(code) ?? 0) + 1);
  const faults = wsFaults(reply, JSON.stringify(reply), c.frame);
  // Replies no request waited for (a second reply to one id) are queued with the pushes.
  const strays = client.pushes.filter((frame) => 'id' in frame || 'ok' in frame);
  if (strays.length > 0) faults.push(`replies nobody asked for: ${JSON.stringify(strays).slice(0, 300)}`);
  if (client.closed) faults.push(`socket closed ${client.closed.code} ${client.closed.reason}`);
  // Pushes are not judged here; keep the queue from growing over the run.
  client.pushes.length = 0;
  return faults;
}

/** Puts the socket back in the room after a frame that may have taken it out. */
async function rejoinAfter(c: WsCase): Promise<void> {
  const method = frameMethod(c.frame) ?? '';
  if (client.closed) await connect();
  else if (method.startsWith('room.') || method === 'session.resume') await client.request('room.join', { dojoId: world.dojoId }, REPLY_WAIT_MS);
  client.pushes.length = 0;
}

test.serial('every WebSocket frame gets exactly one reply, never a server error or internals', async (t) => {
  const parameters = fuzzParameters(1_000, WS_CORPUS);
  t.log(`seed ${parameters.seed}, ${parameters.numRuns} frames`);
  const property = fc.asyncProperty(wsCase(world.known), async (c) => {
    const faults = await faultsOf(c);
    await rejoinAfter(c);
    if (faults.length > 0) throw new Error(faults.join('\n'));
  });
  const details = await fc.check(property, parameters);
  if (details.failed) t.fail(failureReport(details, 'ws'));
  t.log('reply codes', JSON.stringify(Object.fromEntries(codes)));
  const ping = await client.request('ping');
  t.true(ping.ok, `the socket still answers: ${JSON.stringify(ping)}`);
  t.is(client.closed, undefined, 'the socket is still open');
});
