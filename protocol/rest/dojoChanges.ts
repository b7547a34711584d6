import { z } from 'zod';
import { dojoDetails, dojoView, userList } from './dojo';
import { idParams, uuid } from './common';
import { defineRoutes } from './route';

/** What may change while a dojo is live; the rest (its date, its initial code) only while it is scheduled. */
export const DOJO_LIVE_EDITABLE = ['subject', 'description', 'is_private'] as const;

/** Fields left out stay as they are (an empty body changes nothing and answers the dojo). */
export const dojoUpdateBody = z.object({
  subject: dojoDetails.subject.optional(),
  dojo_date: dojoDetails.dojo_date.optional(),
  /** null clears it. */
  description: dojoDetails.description.nullable().optional(),
  is_private: dojoDetails.is_private.optional(),
  /** null clears it. */
  initial_code: dojoDetails.initial_code.nullable().optional(),
});

export const dojoMembersBody = z.object({ members: userList.optional(), observers: userList.optional() });

export const dojoMemberParams = z.object({ id: uuid, userId: uuid });

/** A join code as mailed: 8 letters and digits, typed in any case. */
export const dojoJoinBody = z.object({
  code: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9]{8}$/, 'must be the 8 letters and digits of a join code')
    .transform((c) => c.toUpperCase()),
});

/** Wrong codes a user may try before join by code refuses them for a while (guessing one is what it stops). */
export const JOIN_CODE_FAILURES = { limit: 10, windowMs: 15 * 60_000 } as const;

export const DOJO_CHANGE_ROUTES = defineRoutes([
  {
    method: 'PUT',
    path: '/v1/dojos/{id}',
    auth: 'user',
    action: 'dojo-room.update',
    tag: 'dojos',
    summary: `Change a dojo (its facilitator or a tenant admin): while scheduled any of its fields; while live only ${DOJO_LIVE_EDITABLE.join(', ')} (409 naming the field otherwise); never once ended`,
    params: idParams,
    body: dojoUpdateBody,
    response: dojoView,
  },
  {
    method: 'POST',
    path: '/v1/dojos/{id}/members',
    auth: 'user',
    action: 'dojo-room.addMembers',
    tag: 'dojos',
    summary:
      'Add members (participants) and observers to a scheduled or live dojo (facilitator or admin); they are notified and may join a live room at once. Re-adding a removed or kicked user admits them again',
    params: idParams,
    body: dojoMembersBody,
    response: z.object({ added: z.array(uuid) }),
  },
  {
    method: 'DELETE',
    path: '/v1/dojos/{id}/members/{userId}',
    auth: 'user',
    action: 'dojo-room.removeMember',
    tag: 'dojos',
    summary:
      "Remove a member or observer (facilitator or admin): they are notified, and their sockets leave the live room at once (room.closed, reason 'removed'). One who already attended stays in the attendance record, marked kicked",
    params: dojoMemberParams,
    response: z.object({ success: z.boolean() }),
  },
  {
    method: 'POST',
    path: '/v1/dojos/{id}/members/{userId}/readmit',
    auth: 'user',
    action: 'dojo-room.readmit',
    tag: 'dojos',
    summary: 'Admit again a user kicked from the dojo (facilitator or admin): they may join its room again, and are notified',
    params: dojoMemberParams,
    response: z.object({ success: z.boolean() }),
  },
  {
    method: 'POST',
    path: '/v1/dojos/join',
    auth: 'user',
    action: 'dojo-room.joinByCode',
    tag: 'dojos',
    summary: `Become a participant of a non-private, scheduled or live dojo of your tenant by its join code (404 naming code when it matches none of the tenant's dojos; 403 for a private dojo; 429 after ${JOIN_CODE_FAILURES.limit} wrong codes in ${JOIN_CODE_FAILURES.windowMs / 60_000} minutes)`,
    body: dojoJoinBody,
    rateLimitPerMinute: 60,
    response: z.object({ dojo_id: uuid, role: z.enum(['facilitator', 'participant', 'observer']), status: z.enum(['SCHEDULED', 'ACTIVE']) }),
  },
]);
