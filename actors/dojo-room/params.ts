import { DOJO_LIMITS } from '../../protocol/rest/dojo';

// fastest-validator schemas of the actions: the actor checks its input itself, whoever calls it.
const uuid = { type: 'uuid' } as const;
const page = (limit: number, max: number) => ({
  limit: { type: 'number', integer: true, min: 1, max, convert: true, default: limit },
  offset: { type: 'number', integer: true, min: 0, max: 1_000_000, convert: true, default: 0 },
});
const users = { type: 'array', items: 'uuid', max: DOJO_LIMITS.members } as const;

export const PARAMS = {
  signal: {
    method: { type: 'string', min: 1, max: 64 },
    data: { type: 'any', optional: true },
    dojoId: { type: 'uuid', optional: true },
    rooms: { type: 'array', items: 'uuid', max: 100, optional: true },
    sessionId: { type: 'string', min: 1, max: 64 },
    gatewayNodeId: { type: 'string', min: 1, max: 200 },
  },
  local: {
    tenantId: uuid,
    dojoId: uuid,
    call: { type: 'object', props: { kind: { type: 'enum', values: ['signal', 'session', 'close', 'classroom', 'chat-removed', 'recording'] } } },
    ifActive: 'boolean',
  },
  create: {
    tenant_id: uuid,
    dojo_date: { type: 'string', min: 10, max: 40 },
    members: users,
    observers: { ...users, optional: true },
    subject: { type: 'string', min: 1, max: DOJO_LIMITS.subject },
    language: { type: 'string', min: 1, max: DOJO_LIMITS.language, optional: true },
    max_participants: { type: 'number', integer: true, min: DOJO_LIMITS.minParticipants, max: DOJO_LIMITS.maxParticipants, optional: true },
  },
  dojoRef: { tenant_id: uuid, dojo_id: uuid },
  list: { status: { type: 'enum', values: ['SCHEDULED', 'ACTIVE', 'COMPLETED', 'CANCELLED'], optional: true }, ...page(20, 100) },
  byId: { id: uuid },
  chat: { id: uuid, ...page(100, 500) },
  snapshots: { id: uuid, ...page(20, 100), with_state: { type: 'boolean', optional: true, convert: true } },
  classroom: { id: uuid, enabled: 'boolean', editors: { ...users, optional: true } },
  sessionEvent: { sessionId: 'string', userId: 'string', tenantId: 'string', nodeId: 'string', dojoId: { type: 'string', optional: true }, rooms: { type: 'array', items: 'string', max: 100, optional: true } },
  chatRemoved: {
    tenantId: 'string',
    userId: 'string',
    messages: { type: 'array', max: 1000, items: { type: 'object', props: { messageId: 'string', dojoId: 'string' } } },
  },
} as const;
