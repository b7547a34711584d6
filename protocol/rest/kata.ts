import { z } from 'zod';
import { freeText } from '../text';
import { idParams, pagination, uuid } from './common';
import { defineRoutes } from './route';

export const KATA_LIMITS = {
  title: 200,
  statement: 50_000,
  language: 50,
  code: 200_000,
  tests: 200_000,
  roomName: 100,
  maxMinutes: 1440,
  maxRoomSize: 100,
  defaultRoomSize: 4,
  broadcast: 2000,
  maxExtendMinutes: 240,
} as const;

const title = z.string().trim().min(1, 'must not be empty').max(KATA_LIMITS.title, `must be at most ${KATA_LIMITS.title} characters`);
/** Markdown: free text, line breaks kept. */
const statement = freeText(z.string().min(1, 'must not be empty').max(KATA_LIMITS.statement, `must be at most ${KATA_LIMITS.statement} characters`));
const language = z.string().trim().min(1, 'must not be empty').max(KATA_LIMITS.language);
const code = freeText(z.string().max(KATA_LIMITS.code, `must be at most ${KATA_LIMITS.code} characters`));
const tests = freeText(z.string().max(KATA_LIMITS.tests, `must be at most ${KATA_LIMITS.tests} characters`));
const minutes = z.number().int('must be a whole number of minutes').min(1).max(KATA_LIMITS.maxMinutes);
const roomSize = z.number().int().min(1).max(KATA_LIMITS.maxRoomSize);

/** An exercise of the kata library, as created or replaced. */
export const exerciseBody = z.object({ title, statement, language, starter_code: code.optional(), tests: tests.nullish() });

/**
 * POST /v1/katas: the exercise inline, or a saved one by `exercise_id` (then the inline fields
 * are refused, so a client never wonders which one won).
 */
export const kataStartBody = z
  .object({
    dojo_id: uuid,
    exercise_id: uuid.optional(),
    title: title.optional(),
    statement: statement.optional(),
    language: language.optional(),
    starter_code: code.optional(),
    tests: tests.nullish(),
    duration_minutes: minutes,
    room_size: roomSize.optional(),
  })
  .superRefine((body, ctx) => {
    const inline = ['title', 'statement', 'language', 'starter_code', 'tests'] as const;
    if (body.exercise_id !== undefined) {
      for (const field of inline) if (body[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'must not be given with exercise_id' });
      return;
    }
    for (const field of ['title', 'statement', 'language'] as const) if (body[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'is required (or give exercise_id)' });
  });
export type KataStartBody = z.output<typeof kataStartBody>;

export const kataRoomBody = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(KATA_LIMITS.roomName),
  members: z.array(uuid).max(KATA_LIMITS.maxRoomSize).optional(),
});
export const kataAutoBody = z.object({ size: roomSize });
export const kataRoomParams = z.object({ id: uuid, roomId: uuid });
export const kataExtendBody = z.object({ minutes: z.number().int().min(1).max(KATA_LIMITS.maxExtendMinutes) });
/** `room_id: null` brings the participant back to the main room. */
export const kataMoveBody = z.object({ user_id: uuid, room_id: uuid.nullable() });
export const kataBroadcastBody = z.object({ text: freeText(z.string().trim().min(1, 'must not be empty').max(KATA_LIMITS.broadcast)) });
export const exerciseListQuery = z.object(pagination(20, 100));

const exercise = z.object({
  id: uuid,
  title: z.string(),
  statement: z.string(),
  language: z.string(),
  starter_code: z.string(),
  tests: z.string().nullable(),
  archived: z.boolean(),
  created_by: uuid,
  created: z.string(),
  updated: z.string(),
});

const roomResult = z.object({
  completed: z.boolean(),
  seconds_to_complete: z.number().nullable(),
  test_runs: z.number(),
  tests_passed: z.number().nullable(),
  tests_failed: z.number().nullable(),
  tests_total: z.number().nullable(),
  last_run_status: z.string().nullable(),
  final_code: z.string().nullable(),
});

export const kataRoomView = z.object({
  id: uuid,
  name: z.string(),
  status: z.enum(['OPEN', 'COMPLETED', 'CLOSED']),
  members: z.array(uuid),
  completed_at: z.string().nullable(),
  result: roomResult,
});

export const kataView = z.object({
  id: uuid,
  dojo_id: uuid,
  facilitator_id: uuid,
  exercise_id: uuid.nullable(),
  title: z.string(),
  statement: z.string(),
  language: z.string(),
  starter_code: z.string(),
  has_tests: z.boolean(),
  duration_minutes: z.number(),
  room_size: z.number(),
  status: z.enum(['ACTIVE', 'ENDED']),
  read_only: z.boolean(),
  started_at: z.string(),
  deadline: z.string(),
  ended_at: z.string().nullable(),
  end_reason: z.enum(['ended', 'timeout']).nullable(),
  rooms: z.array(kataRoomView),
});

const kataSummary = kataView.omit({ rooms: true, statement: true, starter_code: true });

export const KATA_ROUTES = defineRoutes([
  {
    method: 'POST',
    path: '/v1/katas',
    auth: 'user',
    action: 'kata.start',
    tag: 'katas',
    status: 201,
    summary: 'Start a kata in a live dojo (its facilitator or a tenant admin), inline or from a saved exercise; everyone in the dojo gets kata.started',
    body: kataStartBody,
    response: kataView,
  },
  {
    method: 'GET',
    path: '/v1/katas/active',
    auth: 'user',
    action: 'kata.active',
    tag: 'katas',
    summary: "The tenant's running katas (admins), or those of the dojos the caller takes part in",
    response: z.object({ items: z.array(kataSummary) }),
  },
  {
    method: 'GET',
    path: '/v1/katas/{id}',
    auth: 'user',
    action: 'kata.get',
    tag: 'katas',
    summary: 'A kata: status, deadline, breakout rooms with their members and state, results so far',
    params: idParams,
    response: kataView,
  },
  {
    method: 'POST',
    path: '/v1/katas/{id}/rooms',
    auth: 'user',
    action: 'kata.createRoom',
    tag: 'katas',
    status: 201,
    summary: 'Open a breakout room (facilitator), optionally with present participants assigned to it',
    params: idParams,
    body: kataRoomBody,
    response: kataRoomView,
  },
  {
    method: 'POST',
    path: '/v1/katas/{id}/rooms/auto',
    auth: 'user',
    action: 'kata.autoRooms',
    tag: 'katas',
    status: 201,
    summary: "Split the dojo's present, unassigned participants evenly into rooms of at most `size` (observers stay in the main room)",
    params: idParams,
    body: kataAutoBody,
    response: z.object({ rooms: z.array(kataRoomView) }),
  },
  {
    method: 'PUT',
    path: '/v1/katas/{id}/rooms/{roomId}/join',
    auth: 'user',
    action: 'kata.joinRoom',
    tag: 'katas',
    summary: 'Move into a breakout room (one at a time); a facilitator visits without being assigned',
    params: kataRoomParams,
    response: z.object({ room_id: uuid, visitor: z.boolean() }),
  },
  {
    method: 'PUT',
    path: '/v1/katas/{id}/rooms/{roomId}/leave',
    auth: 'user',
    action: 'kata.leaveRoom',
    tag: 'katas',
    summary: 'Leave a breakout room for the main room',
    params: kataRoomParams,
    response: z.object({ room_id: uuid }),
  },
  {
    method: 'PUT',
    path: '/v1/katas/{id}/rooms/{roomId}/complete',
    auth: 'user',
    action: 'kata.completeRoom',
    tag: 'katas',
    summary: "Mark a room done (its members or the facilitator); with tests, only after the room's last run passed them all",
    params: kataRoomParams,
    response: kataRoomView,
  },
  {
    method: 'PUT',
    path: '/v1/katas/{id}/end',
    auth: 'user',
    action: 'kata.end',
    tag: 'katas',
    summary: 'End the kata (facilitator): every room closes, its final code is kept in the results, everyone is back in the main room',
    params: idParams,
    response: kataView,
  },
  {
    method: 'PUT',
    path: '/v1/katas/{id}/extend',
    auth: 'user',
    action: 'kata.extend',
    tag: 'katas',
    summary: 'Extend the timer (facilitator); read-only rooms become editable again',
    params: idParams,
    body: kataExtendBody,
    response: z.object({ deadline: z.string() }),
  },
  {
    method: 'PUT',
    path: '/v1/katas/{id}/move',
    auth: 'user',
    action: 'kata.move',
    tag: 'katas',
    summary: 'Move a present participant to a breakout room, or back to the main room with room_id null (facilitator)',
    params: idParams,
    body: kataMoveBody,
    response: z.object({ user_id: uuid, room_id: uuid.nullable() }),
  },
  {
    method: 'POST',
    path: '/v1/katas/{id}/broadcast',
    auth: 'user',
    action: 'kata.broadcast',
    tag: 'katas',
    summary: 'A message from the facilitator to every room (kata.broadcast push); also the WebSocket method kata.broadcast',
    params: idParams,
    body: kataBroadcastBody,
    response: z.object({ sent: z.boolean() }),
  },
  {
    method: 'POST',
    path: '/v1/kata-exercises',
    auth: 'user',
    action: 'kata.createExercise',
    tag: 'katas',
    status: 201,
    summary: 'Save an exercise to the tenant library (facilitators and admins)',
    body: exerciseBody,
    response: exercise,
  },
  {
    method: 'GET',
    path: '/v1/kata-exercises',
    auth: 'user',
    action: 'kata.listExercises',
    tag: 'katas',
    summary: "The tenant's exercises that are not archived, newest first",
    query: exerciseListQuery,
    response: z.object({ items: z.array(exercise), total: z.number() }),
  },
  {
    method: 'GET',
    path: '/v1/kata-exercises/{id}',
    auth: 'user',
    action: 'kata.getExercise',
    tag: 'katas',
    summary: 'One exercise of the library (archived ones too)',
    params: idParams,
    response: exercise,
  },
  {
    method: 'PUT',
    path: '/v1/kata-exercises/{id}',
    auth: 'user',
    action: 'kata.updateExercise',
    tag: 'katas',
    summary: 'Replace an exercise (facilitators and admins); running katas keep the copy they started with',
    params: idParams,
    body: exerciseBody,
    response: exercise,
  },
  {
    method: 'DELETE',
    path: '/v1/kata-exercises/{id}',
    auth: 'user',
    action: 'kata.archiveExercise',
    tag: 'katas',
    summary: 'Archive an exercise (facilitators and admins): it leaves the list, katas started from it keep their copy',
    params: idParams,
    response: exercise,
  },
  {
    method: 'PUT',
    path: '/v1/kata-exercises/{id}/archive',
    auth: 'user',
    action: 'kata.archiveExercise',
    tag: 'katas',
    summary: 'Archive an exercise (same as DELETE)',
    params: idParams,
    response: exercise,
  },
]);
