import { z } from 'zod';
import { ErrorCode } from '../protocol/errors';
import { pathParams, type RouteDef } from '../protocol/rest/route';

export type JsonSchema = Record<string, unknown>;

/** A zod schema as JSON Schema (2020-12, as OpenAPI 3.1 and AsyncAPI 3 take it), without its $schema line. */
export function schemaOf(type: z.ZodType | undefined, io: 'input' | 'output'): JsonSchema | undefined {
  if (!type) return undefined;
  const schema = z.toJSONSchema(type, { io, unrepresentable: 'any' }) as JsonSchema;
  delete schema.$schema;
  return schema;
}

/** An error as every response carries it (REST bodies and WebSocket replies alike). */
export const errorSchema: JsonSchema = {
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: { type: 'string', enum: Object.values(ErrorCode) },
    message: { type: 'string' },
    fields: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
  },
};

const errorBody: JsonSchema = { type: 'object', required: ['error'], properties: { error: errorSchema } };

/**
 * The OpenAPI 3.1 document, generated from the same route definitions the router serves,
 * so the published contract is the one running.
 */
export function buildOpenApi(routes: readonly RouteDef[], version: string): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const parameters: unknown[] = [];
    const pathSchema = schemaOf(route.params, 'input') as { properties?: Record<string, JsonSchema> } | undefined;
    for (const name of pathParams(route.path)) {
      parameters.push({ name, in: 'path', required: true, schema: pathSchema?.properties?.[name] ?? { type: 'string' } });
    }
    const querySchema = schemaOf(route.query, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] } | undefined;
    for (const [name, schema] of Object.entries(querySchema?.properties ?? {})) {
      parameters.push({ name, in: 'query', required: querySchema?.required?.includes(name) ?? false, schema });
    }
    for (const header of route.headers ?? []) parameters.push({ name: header, in: 'header', required: false, schema: { type: 'string' } });
    const success = route.redirect
      ? { description: 'Redirect to a pre-signed URL', headers: { Location: { schema: { type: 'string' } } } }
      : { description: 'Success', content: { 'application/json': { schema: schemaOf(route.response, 'output') ?? { type: 'object' } } } };
    const operation: Record<string, unknown> = {
      operationId: route.action,
      summary: route.summary,
      tags: [route.tag],
      parameters,
      responses: {
        [String(route.redirect ? 302 : (route.status ?? 200))]: success,
        // gateway/http/router.ts: a client sending `Accept: application/json` gets the target as JSON.
        ...(route.redirect
          ? {
              200: {
                description: 'The same URL as JSON, when the request accepts only application/json (browsers cannot read a redirect)',
                content: { 'application/json': { schema: { type: 'object', properties: { url: { type: 'string' } }, required: ['url'] } } },
              },
            }
          : {}),
        default: { description: 'Error', content: { 'application/json': { schema: errorBody } } },
      },
      ...(route.auth === 'public' ? { security: [] } : {}),
    };
    if (route.body) {
      operation.requestBody = { required: true, content: { 'application/json': { schema: schemaOf(route.body, 'input') } } };
    }
    const path = (paths[route.path] ??= {});
    path[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'pocdojo API', version },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    security: [{ bearer: [] }],
    paths,
  };
}
