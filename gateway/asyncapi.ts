import { PUSH_SCHEMAS } from '../protocol/push';
import { WS_METHODS } from '../protocol/ws';
import { schemaOf } from './openapi';

type JsonSchema = Record<string, unknown>;

/** Which pushes a client gets outside any room; every other push comes from a room it joined. */
const USER_CHANNEL: ReadonlySet<string> = new Set(['session.welcome', 'notification.new']);

/**
 * The AsyncAPI 3.0 description of /v1/ws, generated from the same schemas the gateway checks
 * frames with (WS_METHODS) and the test client checks pushes with (PUSH_SCHEMAS), so the
 * published description is the one running, as the OpenAPI document is for REST.
 */
export function buildAsyncApi(version: string): JsonSchema {
  const messages: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const ref = (name: string) => ({ $ref: `#/channels/signaling/messages/${name}` });
  for (const [method, spec] of Object.entries(WS_METHODS)) {
    const name = `request.${method}`;
    messages[name] = {
      name: method,
      title: `${method} request`,
      summary: `Sent as {id, method: "${method}", data}; answered {id, ok, data | error}. Served by ${spec.server}.`,
      payload: { type: 'object', required: ['id', 'method'], properties: { id: { type: ['string', 'number'] }, method: { const: method }, data: schemaOf(spec.data, 'input') ?? { type: 'object' } } },
    };
    operations[`send.${method}`] = { action: 'send', channel: { $ref: '#/channels/signaling' }, messages: [ref(name)] };
  }
  for (const [method, schema] of Object.entries(PUSH_SCHEMAS)) {
    const name = `push.${method}`;
    messages[name] = {
      name: method,
      title: `${method} push`,
      summary: USER_CHANNEL.has(method)
        ? 'Pushed to every authenticated socket of the user, in a room or not (the user channel); no seq.'
        : 'Pushed to the sessions of a room; with seq when kept for session.resume.',
      payload: { type: 'object', required: ['method', 'data'], properties: { method: { const: method }, data: schemaOf(schema, 'output') ?? { type: 'object' }, seq: { type: 'integer' } } },
    };
    operations[`receive.${method}`] = { action: 'receive', channel: { $ref: '#/channels/signaling' }, messages: [ref(name)] };
  }
  return {
    asyncapi: '3.0.0',
    info: { title: 'pocdojo signaling', version, description: 'JSON text frames on one WebSocket per client; the access token in Sec-WebSocket-Protocol or ?token=.' },
    servers: { gateway: { host: 'localhost:8080', pathname: '/v1/ws', protocol: 'ws' } },
    channels: { signaling: { address: '/v1/ws', messages } },
    operations,
  };
}
