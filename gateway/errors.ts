import { ErrorCode, isErrorCode, type FieldError } from '../protocol/errors';

export interface MappedError {
  code: ErrorCode;
  message: string;
  fields?: FieldError[];
  retryAfterSeconds?: number;
  /** True when the client did nothing wrong: log it with its stack. */
  internal: boolean;
}

interface ErrorLike {
  name?: string;
  message?: string;
  type?: string;
  code?: number | string;
  data?: unknown;
}

/**
 * Maps whatever an action threw to the contract's error. The gateway alone does this
 * (moleculer-web's sendError plays the same part); anything unknown becomes a bare INTERNAL
 * so no stack trace or internal message reaches a client.
 */
export function mapError(error: unknown): MappedError {
  const e = (error ?? {}) as ErrorLike;
  const message = typeof e.message === 'string' ? e.message : 'Error';
  switch (e.type) {
    case 'VALIDATION_ERROR':
      // Moleculer's validator sends the field list as data; actors' FieldValidationError as data.fields.
      return {
        code: ErrorCode.VALIDATION_ERROR,
        message: 'Some fields are invalid',
        fields: fieldsOf(Array.isArray(e.data) ? e.data : (e.data as { fields?: unknown } | undefined)?.fields),
        internal: false,
      };
    case 'SERVICE_NOT_FOUND':
    case 'SERVICE_NOT_AVAILABLE':
    case 'QUEUE_FULL':
    case 'REQUEST_REJECTED':
    case 'REQUEST_SKIPPED':
    case 'BROKER_DISCONNECTED':
      return { code: ErrorCode.SERVICE_UNAVAILABLE, message: 'The service is temporarily unavailable', retryAfterSeconds: 1, internal: true };
    case 'REQUEST_TIMEOUT':
      return { code: ErrorCode.TIMEOUT, message: 'The service did not answer in time', internal: true };
  }
  if (isErrorCode(e.type) && e.type !== ErrorCode.INTERNAL) {
    const data = (e.data ?? {}) as { fields?: unknown; retryAfterSeconds?: unknown };
    return {
      code: e.type,
      message,
      fields: fieldsOf(data.fields),
      retryAfterSeconds: typeof data.retryAfterSeconds === 'number' ? data.retryAfterSeconds : undefined,
      internal: false,
    };
  }
  return { code: ErrorCode.INTERNAL, message: 'Internal error', internal: true };
}

function fieldsOf(data: unknown): FieldError[] | undefined {
  if (!Array.isArray(data)) return undefined;
  const fields = data
    .filter((item): item is { field: unknown; message: unknown } => typeof item === 'object' && item !== null && 'field' in item)
    .map((item) => ({ field: String(item.field), message: String(item.message ?? 'is invalid') }));
  return fields.length > 0 ? fields : undefined;
}
