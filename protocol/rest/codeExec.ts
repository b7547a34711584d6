import { z } from 'zod';
import { codeLanguage, executionResult, languageSupport, runAccepted } from '../codeExec';
import { pagination, uuid } from './common';
import { defineRoutes } from './route';

/** A stored run: the result once it finished, `QUEUED`/`RUNNING` before. */
export const executionView = executionResult.extend({
  status: z.union([executionResult.shape.status, z.enum(['QUEUED', 'RUNNING'])]),
  dojoId: uuid,
  userId: uuid,
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export const executionParams = z.object({ id: uuid, executionId: uuid });
export const executionListQuery = z.object(pagination(20, 100));
export const runBody = z.object({ language: codeLanguage.optional() });

export const CODE_EXEC_ROUTES = defineRoutes([
  {
    method: 'POST',
    path: '/v1/dojos/{id}/executions',
    auth: 'user',
    action: 'dojo-room.runCode',
    tag: 'executions',
    summary: "Runs the room's current code (and its kata's tests) in the sandbox; the result is pushed to the room",
    params: z.object({ id: uuid }),
    body: runBody,
    response: runAccepted,
    status: 202,
  },
  {
    method: 'GET',
    path: '/v1/dojos/{id}/executions',
    auth: 'user',
    action: 'dojo-room.executions',
    tag: 'executions',
    summary: "The dojo's runs, newest first",
    params: z.object({ id: uuid }),
    query: executionListQuery,
    response: z.object({ items: z.array(executionView), total: z.number(), limit: z.number(), offset: z.number() }),
  },
  {
    method: 'GET',
    path: '/v1/dojos/{id}/executions/{executionId}',
    auth: 'user',
    action: 'dojo-room.execution',
    tag: 'executions',
    summary: 'One run of the dojo, with its output',
    params: executionParams,
    response: executionView,
  },
  {
    method: 'GET',
    path: '/v1/languages',
    auth: 'user',
    action: 'code-exec.languages',
    tag: 'executions',
    summary: 'The languages code runs in (getLanguageSupport)',
    response: z.object({ languages: z.array(languageSupport), sandbox: z.object({ available: z.boolean(), reason: z.string().nullable() }) }),
  },
]);
