import { z } from 'zod';
import { CODE_LIMITS } from '../codeExec';
import { freeText } from '../text';
import { flag, idParams, pagination, success, uuid } from './common';
import { defineRoutes } from './route';

export const DOJO_LIMITS = { subject: 200, description: 2000, language: 50, members: 1000, minParticipants: 2, maxParticipants: 1000, initialCode: CODE_LIMITS.code } as const;

export const dojoStatus = z.enum(['SCHEDULED', 'ACTIVE', 'COMPLETED', 'CANCELLED']);
export const userList = z.array(uuid).max(DOJO_LIMITS.members, `at most ${DOJO_LIMITS.members} users`);

/** What describes a dojo, set at creation and changed with PUT /v1/dojos/{id} (protocol/rest/dojoChanges.ts). */
export const dojoDetails = {
  subject: z.string().trim().min(1, 'must not be empty').max(DOJO_LIMITS.subject, `must be at most ${DOJO_LIMITS.subject} characters`),
  dojo_date: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }),
  description: freeText(z.string().max(DOJO_LIMITS.description, `must be at most ${DOJO_LIMITS.description} characters`)),
  /** A private dojo takes only the members its facilitator adds: its join code admits nobody. */
  is_private: z.boolean(),
  /** The text the room's shared code starts with (seeded once, when the dojo starts). */
  initial_code: freeText(z.string().max(DOJO_LIMITS.initialCode, `must be at most ${DOJO_LIMITS.initialCode} characters`)),
};

export const dojoCreateBody = z.object({
  tenant_id: uuid,
  dojo_date: dojoDetails.dojo_date,
  members: userList,
  /** Read-only attendees (an extension of the contract): they watch and chat, never edit. */
  observers: userList.optional(),
  subject: dojoDetails.subject,
  description: dojoDetails.description.optional(),
  is_private: dojoDetails.is_private.optional(),
  initial_code: dojoDetails.initial_code.optional(),
  language: z.string().trim().min(1).max(DOJO_LIMITS.language).optional(),
  max_participants: z.number().int().min(DOJO_LIMITS.minParticipants).max(DOJO_LIMITS.maxParticipants).optional(),
  /** Tests the room's code runs against (a kata's): node:test for JS/TS, unittest for Python. */
  tests: freeText(z.string().max(CODE_LIMITS.tests, `must be at most ${CODE_LIMITS.tests} characters`)).optional(),
});

export const dojoRef = z.object({ tenant_id: uuid, dojo_id: uuid });
export const dojoListQuery = z.object({ status: dojoStatus.optional(), ...pagination(20, 100) });
export const dojoChatQuery = z.object(pagination(100, 500));
export const dojoSnapshotsQuery = z.object({ ...pagination(20, 100), with_state: flag.default(false) });
export const classroomBody = z.object({ enabled: z.boolean(), editors: userList.optional() });

export const dojoView = z.object({
  id: uuid,
  tenant_id: uuid,
  facilitator_id: uuid,
  subject: z.string(),
  description: z.string().nullable(),
  is_private: z.boolean(),
  initial_code: z.string().nullable(),
  language: z.string().nullable(),
  dojo_date: z.string(),
  status: dojoStatus,
  join_code: z.string(),
  max_participants: z.number(),
  classroom: z.boolean(),
  started_at: z.string().nullable(),
  ended_at: z.string().nullable(),
  created: z.string(),
});

const participant = z.object({
  user_id: uuid,
  username: z.string(),
  first_name: z.string(),
  last_name: z.string(),
  role: z.enum(['facilitator', 'participant', 'observer']),
  can_edit: z.boolean(),
  kicked: z.boolean(),
  online: z.boolean(),
  first_joined_at: z.string().nullable(),
  last_left_at: z.string().nullable(),
  seconds_present: z.number(),
});

const chatMessage = z.object({ id: uuid, room_id: uuid, user_id: uuid, client_msg_id: z.string(), text: z.string(), created: z.string() });
const snapshot = z.object({ id: uuid, created: z.string(), update_count: z.number(), size_bytes: z.number(), text: z.string(), state: z.string().optional() });

export const DOJO_ROUTES = defineRoutes([
  {
    method: 'POST',
    path: '/v1/dojo/create',
    auth: 'user',
    action: 'dojo-room.create',
    tag: 'dojos',
    status: 201,
    summary: "Schedule a dojo (facilitators and admins); members are notified of the invitation. 402 when the tenant's plan has expired",
    body: dojoCreateBody,
    response: z.object({ dojo_id: uuid, join_code: z.string() }),
  },
  {
    method: 'POST',
    path: '/v1/dojo/start',
    auth: 'user',
    action: 'dojo-room.start',
    tag: 'dojos',
    summary: 'Open the live session and start recording it (facilitator or tenant admin); members are notified',
    body: dojoRef,
    response: success,
  },
  {
    method: 'POST',
    path: '/v1/dojo/stop',
    auth: 'user',
    action: 'dojo-room.stop',
    tag: 'dojos',
    summary: 'End the live session and its recording (or cancel a scheduled one); everyone in the room gets room.closed',
    body: dojoRef,
    response: success,
  },
  {
    method: 'GET',
    path: '/v1/dojos',
    auth: 'user',
    action: 'dojo-room.list',
    tag: 'dojos',
    summary: 'Dojos of the tenant (admins) or those the caller takes part in, newest date first',
    query: dojoListQuery,
    response: z.object({ items: z.array(dojoView), total: z.number() }),
  },
  {
    method: 'GET',
    path: '/v1/dojos/{id}',
    auth: 'user',
    action: 'dojo-room.get',
    tag: 'dojos',
    summary: 'A dojo with its participants (who is online now, time present)',
    params: idParams,
    response: dojoView.extend({ participants: z.array(participant) }),
  },
  {
    method: 'GET',
    path: '/v1/dojos/{id}/chat',
    auth: 'user',
    action: 'dojo-room.chat',
    tag: 'dojos',
    summary: "The dojo's chat, oldest first (removed messages left out)",
    params: idParams,
    query: dojoChatQuery,
    response: z.object({ messages: z.array(chatMessage) }),
  },
  {
    method: 'GET',
    path: '/v1/dojos/{id}/snapshots',
    auth: 'user',
    action: 'dojo-room.snapshots',
    tag: 'dojos',
    summary: "Snapshots of the dojo's shared code, newest first; with_state=true adds the Yjs state (base64)",
    params: idParams,
    query: dojoSnapshotsQuery,
    response: z.object({ snapshots: z.array(snapshot) }),
  },
  {
    method: 'GET',
    path: '/v1/dojos/{id}/recording',
    auth: 'user',
    action: 'dojo-room.recording',
    tag: 'dojos',
    redirect: true,
    summary: "Redirects to a pre-signed link of the dojo's newest finished recording (WebM); 409 while one is still being recorded or uploaded, 404 when there is none",
    params: idParams,
  },
  {
    method: 'POST',
    path: '/v1/dojos/{id}/classroom',
    auth: 'user',
    action: 'dojo-room.classroom',
    tag: 'dojos',
    summary: 'Classroom mode (facilitator): when enabled, only the listed participants edit the code',
    params: idParams,
    body: classroomBody,
    response: success,
  },
]);
