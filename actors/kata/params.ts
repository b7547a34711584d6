import { z } from 'zod';
import { remoteOnly, zodParams } from '../../infra/broker/zodValidator';
import { codeExecuted } from '../../protocol/codeExec';
import { dojoStopped, participantLeft } from '../../protocol/kata';
import { idParams, uuid } from '../../protocol/rest/common';
import { exerciseBody, exerciseListQuery, kataAutoBody, kataBroadcastBody, kataExtendBody, kataMoveBody, kataRoomBody, kataRoomParams, kataStartBody } from '../../protocol/rest/kata';
import { signalParamsSchema } from '../../protocol/signal';
import { validatedLater } from '../../protocol/text';

/** The params of the kata actor's actions and events: the protocol's schemas, whoever calls. */
export const PARAMS = {
  start: zodParams(kataStartBody),
  byId: zodParams(idParams),
  none: zodParams(z.object({})),
  createRoom: zodParams(idParams.extend(kataRoomBody.shape)),
  autoRooms: zodParams(idParams.extend(kataAutoBody.shape)),
  room: zodParams(kataRoomParams),
  extend: zodParams(idParams.extend(kataExtendBody.shape)),
  move: zodParams(idParams.extend(kataMoveBody.shape)),
  broadcast: zodParams(idParams.extend(kataBroadcastBody.shape)),
  exercise: zodParams(exerciseBody),
  exerciseUpdate: zodParams(idParams.extend(exerciseBody.shape)),
  exerciseList: zodParams(exerciseListQuery),
  // WebSocket methods served here (protocol/ws.ts, server 'kata'): parsed by this node's gateway already.
  signal: remoteOnly(signalParamsSchema('kata')),
  // A call forwarded by the node that took it (infra/rooms' LocalParams): checked there; its kind here.
  local: zodParams(
    z.object({
      tenantId: uuid,
      kataId: uuid,
      call: validatedLater(z.looseObject({ kind: z.enum(['command', 'wake', 'test-run', 'dojo-stopped']) })),
      ifActive: z.boolean(),
    }),
  ),
  codeExecuted: zodParams(codeExecuted),
  dojoStopped: zodParams(dojoStopped),
  participantLeft: zodParams(participantLeft),
};
