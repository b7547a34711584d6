import { z } from 'zod';
import { CLOSE_REASON, CloseCode } from '../protocol/closeCodes';
import { PUSH_SCHEMAS, USER_CHANNEL_PUSHES, type PushMethod } from '../protocol/push';
import { WS_METHODS, type WsMethod, type WsMethodSpec } from '../protocol/ws';
import { errorSchema, type JsonSchema } from './openapi';

const CHANNEL = 'signaling';

/**
 * A frame's `data` as JSON Schema. Draft-07, the dialect AsyncAPI 3.0's default schema format
 * extends, so any AsyncAPI tool reads it without a schemaFormat. Requests are described as the
 * client writes them (input), pushes as the server sends them (output).
 */
export function frameDataSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, { io, target: 'draft-7', unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema;
  return json;
}

const requestId = { oneOf: [{ type: 'string', maxLength: 64 }, { type: 'integer' }], description: 'Chosen by the client; echoed on the reply' };

const replyPayload: JsonSchema = {
  oneOf: [
    {
      type: 'object',
      required: ['id', 'ok', 'data'],
      properties: { id: requestId, ok: { const: true }, data: { description: "The method's result" } },
    },
    {
      type: 'object',
      required: ['id', 'ok', 'error'],
      properties: {
        id: { oneOf: [requestId, { type: 'null', description: 'The frame could not be read far enough to find its id' }] },
        ok: { const: false },
        error: errorSchema,
      },
    },
  ],
};

function requestMessage(method: WsMethod): JsonSchema {
  const spec = WS_METHODS[method] as WsMethodSpec;
  // A method whose data may be left out (ping, room.leave, recording.*) takes a frame without it.
  const dataOptional = spec.data.safeParse(undefined).success;
  const data = frameDataSchema(spec.data, 'input');
  const roles = spec.roles ? ` Only ${spec.roles.allowed.join(', ')} may call it; others are refused with FORBIDDEN: "${spec.roles.refusal}".` : '';
  // A schema's .describe() in protocol/ws.ts says what the method does; otherwise who serves it.
  const what = typeof data.description === 'string' ? data.description : `Request ${method} (served by ${spec.server === 'gateway' ? 'the gateway' : `the ${spec.server} actor`}).`;
  return {
    name: method,
    title: method,
    summary: `${what}${roles}`,
    payload: {
      type: 'object',
      required: dataOptional ? ['id', 'method'] : ['id', 'method', 'data'],
      properties: { id: requestId, method: { const: method }, data },
    },
    // Who may call it, by role in the room (the others get FORBIDDEN with this text).
    ...(spec.roles ? { 'x-roles': { allowed: spec.roles.allowed, refusal: spec.roles.refusal } } : {}),
  };
}

function pushMessage(method: PushMethod): JsonSchema {
  return {
    name: method,
    title: method,
    summary: USER_CHANNEL_PUSHES.includes(method) ? `Server push ${method}: to every authenticated socket of the user, in a room or not (the user channel; no seq)` : `Server push ${method}`,
    payload: {
      type: 'object',
      required: ['method', 'data'],
      properties: {
        method: { const: method },
        data: frameDataSchema(PUSH_SCHEMAS[method], 'output'),
        seq: { type: 'integer', minimum: 0, description: 'Per room, rising; pushes with a seq are replayed by session.resume' },
      },
    },
  };
}

const ref = ($ref: string) => ({ $ref });

/**
 * The AsyncAPI 3.0 document of `/v1/ws`, generated from the tables the gateway routes by
 * (protocol/ws.ts WS_METHODS) and the pushes it sends (protocol/push.ts PUSH_SCHEMAS), as
 * openapi.ts is from the REST routes: a method or push added there is documented here.
 * Messages (in the channel) and operations are keyed `request.<method>` and `push.<method>`
 * (code.update is both a request and a push); every request's reply is the channel's `reply`.
 */
export function buildAsyncApi(version: string): JsonSchema {
  const methods = Object.keys(WS_METHODS) as WsMethod[];
  const pushes = Object.keys(PUSH_SCHEMAS) as PushMethod[];
  const messages: Record<string, JsonSchema> = { reply: { name: 'reply', title: 'Reply', summary: 'The answer to a request, matched by id', payload: replyPayload } };
  for (const method of methods) messages[`request.${method}`] = requestMessage(method);
  for (const method of pushes) messages[`push.${method}`] = pushMessage(method);

  const operations: Record<string, JsonSchema> = {};
  for (const method of methods) {
    operations[`request.${method}`] = {
      action: 'send',
      title: method,
      channel: ref(`#/channels/${CHANNEL}`),
      messages: [ref(`#/channels/${CHANNEL}/messages/request.${method}`)],
      reply: { channel: ref(`#/channels/${CHANNEL}`), messages: [ref(`#/channels/${CHANNEL}/messages/reply`)] },
    };
  }
  for (const method of pushes) {
    operations[`push.${method}`] = { action: 'receive', title: method, channel: ref(`#/channels/${CHANNEL}`), messages: [ref(`#/channels/${CHANNEL}/messages/push.${method}`)] };
  }

  const closeCodes = (Object.values(CloseCode) as CloseCode[]).map((code) => `- ${code}: ${CLOSE_REASON[code]}`).join('\n');
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'pocdojo signaling',
      version,
      description: [
        'One WebSocket per client: JSON text frames. Requests `{id, method, data}` get `{id, ok, data | error}`; pushes `{method, data, seq?}` carry no id.',
        'On connect the server pushes `session.welcome`; after a drop, a new socket sends `session.resume {sessionId, lastSeq}` and gets what it missed (pushes with a seq) before the reply.',
        'Send `session.refresh {token}` with a fresh access token before `expiresAt` (from the welcome), or the socket closes with 4002.',
        `Close codes:\n${closeCodes}`,
      ].join('\n\n'),
    },
    defaultContentType: 'application/json',
    servers: {
      gateway: {
        host: '{host}',
        protocol: 'ws',
        pathname: '/v1/ws',
        description: 'The gateway of any node (wss behind TLS).',
        variables: { host: { default: '127.0.0.1:8080' } },
        security: [ref('#/components/securitySchemes/subprotocol'), ref('#/components/securitySchemes/query')],
      },
    },
    channels: {
      [CHANNEL]: {
        address: '/v1/ws',
        title: 'Signaling',
        description: 'Every frame of the socket, both ways.',
        messages,
      },
    },
    operations,
    components: {
      securitySchemes: {
        subprotocol: {
          type: 'httpApiKey',
          name: 'Sec-WebSocket-Protocol',
          in: 'header',
          description: 'Offer the subprotocols `pocdojo.v1` and the access token (browsers cannot set other headers on a WebSocket).',
        },
        query: { type: 'httpApiKey', name: 'token', in: 'query', description: 'The access token as `?token=` (for clients that cannot offer subprotocols).' },
      },
    },
  };
}
