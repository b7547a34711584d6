import { randomBytes, randomUUID } from 'node:crypto';
import test from 'ava';
import { ServiceBroker, type Context, type Errors } from 'moleculer';
import { z } from 'zod';
import { loadConfig } from '../../config';
import { createBrokerOptions } from '../../moleculer.config';
import { ErrorCode } from '../../protocol/errors';
import { remoteOnly, zodParams } from './zodValidator';

// Two nodes built from the project's broker options, over NATS when TRANSPORTER is set and
// Moleculer's in-process transporter otherwise: `callee` serves the actions, `caller` calls them
// from another node, and `callee` also calls itself (a local call).
const namespace = `zodvalidator-${randomBytes(4).toString('hex')}`;

function node(name: string): ServiceBroker {
  const config = loadConfig({ NAMESPACE: namespace, NODE_ID: `${name}-${namespace}`, LOG_LEVEL: 'silent' });
  return new ServiceBroker({ ...createBrokerOptions(config), transporter: process.env.TRANSPORTER ?? 'Fake' });
}

let parses = 0;
/** The schema of `probe.signal`, counting the times it parses a value. */
const counted = z.preprocess(
  (value) => {
    parses++;
    return value;
  },
  z.object({ method: z.string().min(1), limit: z.coerce.number().int().max(10) }),
);

const received: Record<string, unknown[]> = { echo: [], signal: [], event: [] };
const record = (what: string) => (ctx: Context) => {
  received[what]?.push(ctx.params);
  return ctx.params as never;
};

const callee = node('callee');
const caller = node('caller');

test.before(async () => {
  callee.createService({
    name: 'probe',
    actions: {
      echo: {
        params: zodParams(
          z.object({
            name: z.string().trim().min(1).max(10),
            limit: z.coerce.number().int().min(1).max(100).default(20),
            admin: z.object({ email: z.email() }).optional(),
          }),
        ),
        handler: record('echo'),
      },
      signal: { params: remoteOnly(counted), handler: record('signal') },
      // A local call of a remoteOnly action, made on the node that serves it.
      relay: { handler: (ctx: Context<unknown>) => ctx.call('probe.signal', ctx.params) },
    },
    events: {
      'probe.happened': { params: zodParams(z.object({ id: z.uuid() })), handler: record('event') },
    },
  });
  await Promise.all([callee.start(), caller.start()]);
  await caller.waitForServices('probe', 10_000);
});

test.after.always(async () => {
  await Promise.all([caller.stop(), callee.stop()]);
});

const fieldsOf = (error: unknown) => ((error as Errors.MoleculerError).data as { fields: Array<{ field: string }> }).fields.map((f) => f.field);

test.serial('a call from another node gets the parsed params: coerced, trimmed, defaults filled, unknown keys dropped', async (t) => {
  const answer = await caller.call('probe.echo', { name: '  ada ', limit: '5', extra: 'x' });
  t.deepEqual(answer, { name: 'ada', limit: 5 });
  t.deepEqual(await caller.call('probe.echo', { name: 'bob' }), { name: 'bob', limit: 20 });
});

test.serial('a call from another node that does not fit fails with VALIDATION_ERROR naming each field by path', async (t) => {
  const before = received.echo?.length;
  const error = await t.throwsAsync(caller.call('probe.echo', { name: '', limit: 'many', admin: { email: 'nope' } }));
  t.is((error as Errors.MoleculerError).type, ErrorCode.VALIDATION_ERROR);
  t.is((error as Errors.MoleculerError).code, 422);
  t.deepEqual(fieldsOf(error).sort(), ['admin.email', 'limit', 'name']);
  t.is(received.echo?.length, before, 'the handler did not run');
});

test.serial('params are held to the text rule, as at the gateway', async (t) => {
  const error = await t.throwsAsync(caller.call('probe.echo', { name: 'a\u0000b' }));
  t.deepEqual(fieldsOf(error), ['name']);
});

test.serial('an event from another node is parsed; one that does not fit never reaches the handler', async (t) => {
  const id = randomUUID();
  await caller.emit('probe.happened', { id: 'not-a-uuid' });
  await caller.emit('probe.happened', { id, extra: true });
  // Both come over one connection in order: once the second has arrived, the first was refused.
  while (received.event?.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
  t.deepEqual(received.event, [{ id }]);
});

test.serial('a remoteOnly action parses calls from another node', async (t) => {
  parses = 0;
  t.deepEqual(await caller.call('probe.signal', { method: 'room.join', limit: '3' }), { method: 'room.join', limit: 3 });
  t.is(parses, 1);
  const error = await t.throwsAsync(caller.call('probe.signal', { method: '', limit: 99 }));
  t.deepEqual(fieldsOf(error).sort(), ['limit', 'method']);
  t.is(parses, 2);
});

test.serial('a remoteOnly action does not parse a call made on its own node', async (t) => {
  parses = 0;
  // Through another action of the node (a context of the callee) and straight from its broker.
  t.deepEqual(await caller.call('probe.relay', { method: 'chat.send', limit: '3' }), { method: 'chat.send', limit: '3' });
  t.deepEqual(await callee.call('probe.signal', { method: 'x', limit: 99 }), { method: 'x', limit: 99 });
  t.is(parses, 0);
});

test.serial('a local call of a checked action is parsed like a remote one', async (t) => {
  t.deepEqual(await callee.call('probe.echo', { name: ' cy', limit: '7' }), { name: 'cy', limit: 7 });
  const error = await t.throwsAsync(callee.call('probe.echo', {}));
  t.deepEqual(fieldsOf(error), ['name']);
});

test.serial("a service whose params are not zod is refused when it is created; Moleculer's own $node keeps its own", async (t) => {
  t.throws(() => caller.createService({ name: 'legacy', actions: { old: { params: { id: 'uuid' }, handler: () => null } } }), {
    message: /legacy\.old: params must be zodParams/,
  });
  // $node.services groups by default (grouping: default true in its fastest-validator params).
  const services = await caller.call<Array<{ name: string; nodes?: string[] }>, object>('$node.services', {});
  t.true(Array.isArray(services.find((s) => s.name === 'probe')?.nodes));
});
