import { z } from 'zod';
import { remoteOnly, zodParams } from '../../infra/broker/zodValidator';
import { idParams, uuid } from '../../protocol/rest/common';
import { classroomBody, dojoChatQuery, dojoCreateBody, dojoListQuery, dojoRef, dojoSnapshotsQuery } from '../../protocol/rest/dojo';
import { codeEventParams } from '../../protocol/codeExec';
import { executionListQuery, executionParams, runBody } from '../../protocol/rest/codeExec';
import { sessionEvent, signalParamsSchema } from '../../protocol/signal';
import { validatedLater } from '../../protocol/text';

/**
 * The params of the actions and events: the actor checks its input itself, whoever calls it.
 * The REST actions take the protocol's schemas (protocol/rest/dojo.ts), the ones the gateway
 * checks: the path's id with the query or body.
 */
export const PARAMS = {
  // The call from a gateway (protocol/signal.ts): this node's gateway parsed the frame already
  // (protocol/ws.ts), so only a call from another node's gateway is parsed, data included.
  signal: remoteOnly(signalParamsSchema('dojo-room')),
  // A room call forwarded by the node that took it (infra/rooms' LocalParams): its content was
  // checked there, so only its kind is checked here and the rest passes as it came.
  local: zodParams(
    z.object({
      tenantId: uuid,
      dojoId: uuid,
      call: validatedLater(z.looseObject({ kind: z.enum(['signal', 'session', 'close', 'classroom', 'chat-removed', 'recording', 'run-code', 'code-event']) })),
      ifActive: z.boolean(),
    }),
  ),
  create: zodParams(dojoCreateBody),
  dojoRef: zodParams(dojoRef),
  list: zodParams(dojoListQuery),
  byId: zodParams(idParams),
  chat: zodParams(idParams.extend(dojoChatQuery.shape)),
  snapshots: zodParams(idParams.extend(dojoSnapshotsQuery.shape)),
  classroom: zodParams(idParams.extend(classroomBody.shape)),
  sessionEvent: zodParams(sessionEvent),
  codeEvent: zodParams(codeEventParams),
  runCode: zodParams(idParams.extend(runBody.shape)),
  executions: zodParams(idParams.extend(executionListQuery.shape)),
  execution: zodParams(executionParams),
  chatRemoved: zodParams(
    z.object({
      tenantId: z.string(),
      userId: z.string(),
      messages: z.array(z.object({ messageId: z.string(), dojoId: z.string() })).max(1000),
    }),
  ),
};
