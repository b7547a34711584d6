/**
 * fastest-validator schemas of the actor's actions: the second check behind the gateway's zod
 * schemas (protocol/rest/tenant.ts), for callers that reach the actor without the gateway.
 */
const username = { type: 'string', min: 1, max: 15, pattern: /^[A-Za-z0-9._-]+$/ } as const;
const name = { type: 'string', min: 1, max: 30, trim: true } as const;
const email = { type: 'email', max: 50 } as const;
const password = { type: 'string', min: 8, max: 200 } as const;
const slug = { type: 'string', min: 3, max: 40, pattern: /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/ } as const;
const uuid = { type: 'uuid' } as const;
const optionalUuid = { type: 'uuid', optional: true } as const;
const page = (max: number) => ({
  limit: { type: 'number', integer: true, min: 1, max, optional: true, convert: true },
  offset: { type: 'number', integer: true, min: 0, optional: true, convert: true },
});
const prefs = {
  type: 'object',
  optional: true,
  strict: true,
  props: {
    dojoInvitations: { type: 'boolean', optional: true },
    dojoStarting: { type: 'boolean', optional: true },
    reportReady: { type: 'boolean', optional: true },
    videoReady: { type: 'boolean', optional: true },
    email: { type: 'boolean', optional: true },
  },
} as const;
const newUser = { firstName: name, lastName: name, email, username, password };

export const PARAMS = {
  signup: { name: { type: 'string', min: 1, max: 100 }, slug, admin: { type: 'object', props: newUser } },
  register: { tenant: slug, ...newUser },
  confirm: { token: { type: 'string', min: 1, max: 200 } },
  resendConfirmation: { tenant: slug, email },
  login: { tenant: slug, username, password: { type: 'string', min: 1, max: 200 } },
  refresh: { refreshToken: { type: 'string', min: 1, max: 200 } },
  logout: { username: { ...username, optional: true } },
  listUsers: page(200),
  setRole: { id: uuid, role: { type: 'enum', values: ['admin', 'facilitator', 'member'] } },
  getUser: { user_id: optionalUuid, username: { ...username, optional: true } },
  userProfile: { tenantId: uuid, user_id: optionalUuid, username: { ...username, optional: true } },
  updateProfile: {
    user_id: uuid,
    firstName: { ...name, optional: true },
    lastName: { ...name, optional: true },
    friendsRequest: { type: 'enum', values: ['NO_ONE', 'ANYONE'], optional: true },
    notifications: prefs,
  },
  setStatus: { status: { type: 'enum', values: ['ONLINE', 'OFFLINE'] } },
  setPicture: { user_id: uuid, image: { type: 'string', min: 1 } },
  notifications: { user_id: optionalUuid, unread: { type: 'enum', values: ['true', 'false'], optional: true }, ...page(50) },
  markNotifications: {
    notification_ids: { type: 'array', items: 'uuid', min: 1, max: 100, optional: true },
    all: { type: 'boolean', optional: true },
    read: { type: 'boolean', optional: true },
  },
  messages: { user_id: optionalUuid, room_id: uuid },
  deleteMessages: { user_id: uuid, messages_id: { type: 'array', items: 'uuid', min: 1, max: 100 } },
  pay: {
    tenant_id: uuid,
    total: { type: 'number', positive: true, max: 1_000_000 },
    payment_gateway: { type: 'string', min: 1, max: 30 },
    plan: { type: 'enum', values: ['M', 'Y'] },
    autorenew: { type: 'boolean', optional: true },
  },
  billing: {},
  notificationRequested: {
    tenantId: uuid,
    userId: uuid,
    type: { type: 'string', min: 1, max: 40 },
    // Producers build titles from user text (a dojo's subject): long ones are cut, not refused.
    title: { type: 'string', min: 1, max: 2000 },
    body: { type: 'string', max: 10_000, optional: true },
    data: { type: 'object', optional: true },
    dedupeKey: { type: 'string', max: 200, optional: true },
  },
  sessionEvent: { sessionId: 'string', userId: 'string', tenantId: 'string', nodeId: 'string', dojoId: { type: 'string', optional: true } },
} as const;
