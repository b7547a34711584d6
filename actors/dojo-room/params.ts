import { z } from 'zod';
import { remoteOnly, zodParams } from '../../infra/broker/zodValidator';
import { idParams, uuid } from '../../protocol/rest/common';
import { classroomBody, dojoChatQuery, dojoCreateBody, dojoListQuery, dojoRef, dojoSnapshotsQuery } from '../../protocol/rest/dojo';
import { dojoJoinBody, dojoMemberParams, dojoMembersBody, dojoUpdateBody } from '../../protocol/rest/dojoChanges';
import { codeEventParams } from '../../protocol/codeExec';
import { executionListQuery, executionParams, runBody } from '../../protocol/rest/codeExec';
import { awayParams, breakoutReadOnlyParams, breakoutRosterParams, closeBreakoutParams, kataPushParams, openBreakoutParams, presentParams } from '../../protocol/kata';
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
      call: validatedLater(
        z.looseObject({
          kind: z.enum(['signal', 'session', 'close', 'classroom', 'chat-removed', 'recording', 'run-code', 'code-event', 'roster', 'read-only', 'finish', 'present', 'kata-push', 'away', 'members']),
        }),
      ),
      ifActive: z.boolean(),
    }),
  ),
  create: zodParams(dojoCreateBody),
  update: zodParams(idParams.extend(dojoUpdateBody.shape)),
  addMembers: zodParams(idParams.extend(dojoMembersBody.shape)),
  member: zodParams(dojoMemberParams),
  joinByCode: zodParams(dojoJoinBody),
  openBreakout: zodParams(openBreakoutParams),
  breakoutRoster: zodParams(breakoutRosterParams),
  breakoutReadOnly: zodParams(breakoutReadOnlyParams),
  closeBreakout: zodParams(closeBreakoutParams),
  present: zodParams(presentParams),
  kataPush: zodParams(kataPushParams),
  away: zodParams(awayParams),
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

/** The params of the kata actor's calls that have no named type in protocol/kata.ts. */
export interface BreakoutParams {
  readOnly: z.output<typeof breakoutReadOnlyParams>;
  close: z.output<typeof closeBreakoutParams>;
  present: z.output<typeof presentParams>;
  away: z.output<typeof awayParams>;
}
