import { PUSH_SCHEMAS } from '../protocol/push';
import { WS_METHODS, type WsMethodSpec } from '../protocol/ws';
import { errorSchema, schemaOf, type JsonSchema } from './openapi';

const CHANNEL = { $ref: '#/channels/signaling' };

/**
 * The AsyncAPI 3.0 document of /v1/ws, generated from the tables the gateway serves
 * (protocol/ws.ts WS_METHODS for requests, protocol/push.ts PUSH_SCHEMAS for pushes), so the
 * published WebSocket contract is the one running, as /v1/openapi.json is for REST. A request
 * is a `send` operation whose reply is `{ id, ok, data | error }`; a push is a `receive` one.
 * Message keys are `request.<method>` and `push.<method>`: some names are both (code.update).
 */
export function buildAsyncApi(version: string): JsonSchema {
  const messages: Record<string, JsonSchema> = {
    reply: {
      name: 'reply',
      summary: 'The answer to a request, carrying its id: ok with data, or an error (the socket stays open).',
      payload: {
        oneOf: [
          { type: 'object', required: ['id', 'ok', 'data'], properties: { id: requestId, ok: { const: true }, data: {} } },
          { type: 'object', required: ['id', 'ok', 'error'], properties: { id: requestId, ok: { const: false }, error: errorSchema } },
        ],
      },
    },
  };
  const operations: Record<string, JsonSchema> = {};
  for (const [method, spec] of Object.entries(WS_METHODS) as Array<[string, WsMethodSpec]>) {
    const data = schemaOf(spec.data, 'input') ?? {};
    messages[`request.${method}`] = {
      name: method,
      ...(typeof data.description === 'string' ? { summary: data.description } : {}),
      payload: { type: 'object', required: ['id', 'method'], properties: { id: requestId, method: { const: method }, data } },
      // Who may call it, by role in the room (the others get FORBIDDEN with this text).
      ...(spec.roles ? { 'x-roles': { allowed: spec.roles.allowed, refusal: spec.roles.refusal } } : {}),
    };
    operations[`request.${method}`] = {
      action: 'send',
      channel: CHANNEL,
      messages: [{ $ref: `#/channels/signaling/messages/request.${method}` }],
      reply: { channel: CHANNEL, messages: [{ $ref: '#/channels/signaling/messages/reply' }] },
    };
  }
  for (const [method, schema] of Object.entries(PUSH_SCHEMAS)) {
    messages[`push.${method}`] = {
      name: method,
      payload: { type: 'object', required: ['method', 'data'], properties: { method: { const: method }, data: schemaOf(schema, 'output'), seq: { type: 'integer', minimum: 0 } } },
    };
    operations[`push.${method}`] = { action: 'receive', channel: CHANNEL, messages: [{ $ref: `#/channels/signaling/messages/push.${method}` }] };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'pocdojo WebSocket signaling',
      version,
      description:
        'JSON text frames on GET /v1/ws (access token in Sec-WebSocket-Protocol as ["pocdojo.v1", token], or ?token=). Requests {id, method, data}; replies {id, ok, data | error}; pushes {method, data, seq?}.',
    },
    channels: { signaling: { address: '/v1/ws', messages } },
    operations,
  };
}

const requestId: JsonSchema = { type: ['string', 'number'] };
