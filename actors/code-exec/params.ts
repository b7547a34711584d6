import { z } from 'zod';
import { zodParams } from '../../infra/broker/zodValidator';
import { runParams } from '../../protocol/codeExec';
import { uuid } from '../../protocol/rest/common';
import { executionListQuery } from '../../protocol/rest/codeExec';

/** The actor's params: the protocol's schemas, checked on every call from any node. */
export const PARAMS = {
  run: zodParams(runParams),
  list: zodParams(executionListQuery.extend({ tenantId: uuid, dojoId: uuid })),
  get: zodParams(z.object({ tenantId: uuid, dojoId: uuid, executionId: uuid })),
  languages: zodParams(z.object({})),
};
