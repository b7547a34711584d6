import test from 'ava';
import { PUSH_SCHEMAS, type PushMethod } from '../protocol/push';
import { WS_METHODS, type WsMethod } from '../protocol/ws';
import { startTestNode, type TestNode } from '../test/support/node';
import { frameDataSchema } from './asyncapi';

// The WebSocket's AsyncAPI document as a client fetches it: every request method and every push
// of the protocol tables, each with the schema of its data, and every reference resolving.

type Json = Record<string, unknown>;
let app: TestNode;
let doc: Json;

test.before(async () => {
  app = await startTestNode({ services: ['gateway'] });
  const res = await fetch(`${app.url}/v1/asyncapi.json`);
  if (res.status !== 200 || !res.headers.get('content-type')?.startsWith('application/json')) throw new Error(`asyncapi.json: ${res.status} ${res.headers.get('content-type')}`);
  doc = (await res.json()) as Json;
});

test.after.always(async () => {
  await app?.stop();
});

/** Follows a local `#/a/b` reference. */
function resolve(ref: string): Json | undefined {
  let node: unknown = doc;
  for (const part of ref.replace(/^#\//, '').split('/')) node = (node as Json | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  return node as Json | undefined;
}

/** The message an operation sends or receives (a reference into the channel, which may itself refer on). */
function operationMessage(key: string): Json {
  const operation = (doc.operations as Json)[key] as { messages: Array<{ $ref: string }> } | undefined;
  if (!operation) throw new Error(`no operation ${key}`);
  let message = resolve(operation.messages[0]!.$ref) as Json;
  while (typeof message.$ref === 'string') message = resolve(message.$ref) as Json;
  return message;
}

function channelMessages(): Json {
  return (doc.channels as { signaling: { messages: Json } }).signaling.messages;
}

test('an AsyncAPI 3.0 document of /v1/ws', (t) => {
  t.is(doc.asyncapi, '3.0.0');
  t.like(doc.channels, { signaling: { address: '/v1/ws' } });
  t.like(doc.servers, { gateway: { protocol: 'ws', pathname: '/v1/ws' } });
});

test('every request method, with its data schema, a reply, and its role rule', (t) => {
  const methods = Object.keys(WS_METHODS) as WsMethod[];
  for (const method of methods) {
    const operation = (doc.operations as Json)[`request.${method}`] as Json;
    t.is(operation?.action, 'send', method);
    t.truthy((operation.reply as Json | undefined)?.messages, `${method} has a reply`);
    const payload = operationMessage(`request.${method}`).payload as { properties: Json };
    t.deepEqual(payload.properties.method, { const: method });
    t.deepEqual(payload.properties.data, frameDataSchema(WS_METHODS[method].data, 'input'), `${method}: its data schema`);
    const roles = 'roles' in WS_METHODS[method] ? (WS_METHODS[method] as { roles?: { allowed: readonly string[]; refusal: string } }).roles : undefined;
    if (roles) t.deepEqual(operationMessage(`request.${method}`)['x-roles'], { allowed: [...roles.allowed], refusal: roles.refusal }, `${method}: its roles`);
  }
  const requests = Object.keys(channelMessages()).filter((key) => key.startsWith('request.'));
  t.is(requests.length, methods.length, 'nothing documented that the gateway does not route');
});

test('every push, with its data schema and seq', (t) => {
  const pushes = Object.keys(PUSH_SCHEMAS) as PushMethod[];
  for (const method of pushes) {
    t.is(((doc.operations as Json)[`push.${method}`] as Json | undefined)?.action, 'receive', method);
    const payload = operationMessage(`push.${method}`).payload as { properties: Json; required: string[] };
    t.deepEqual(payload.properties.method, { const: method });
    t.deepEqual(payload.properties.data, frameDataSchema(PUSH_SCHEMAS[method], 'output'), `${method}: its data schema`);
    t.truthy(payload.properties.seq);
    t.deepEqual(payload.required, ['method', 'data']);
  }
  const documented = Object.keys(channelMessages()).filter((key) => key.startsWith('push.'));
  t.is(documented.length, pushes.length);
});

test('every reference resolves and every key is one AsyncAPI 3.0 accepts', (t) => {
  const refs: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string') refs.push(value);
        else walk(value);
      }
    }
  };
  walk(doc);
  t.true(refs.length > 0);
  for (const ref of refs) t.truthy(resolve(ref), ref);
  const keyPattern = /^[\w\d.\-_]+$/;
  for (const group of [doc.operations, channelMessages()] as Json[]) {
    for (const key of Object.keys(group)) t.regex(key, keyPattern);
  }
});
