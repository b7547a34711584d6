import { Errors } from 'moleculer';
import { ErrorCode, HTTP_STATUS, type FieldError } from '../protocol/errors';

/**
 * A client's mistake, with a stable `type` from the protocol's ErrorCode. It crosses the
 * transporter intact (type, code, data), and the gateway alone turns it into a response.
 */
export class ClientError extends Errors.MoleculerClientError {
  constructor(code: ErrorCode, message: string, data?: { fields?: FieldError[]; retryAfterSeconds?: number }) {
    super(message, HTTP_STATUS[code], code, data);
  }
}

export class NotFoundError extends ClientError {
  constructor(what: string) {
    super(ErrorCode.NOT_FOUND, `${what} not found`);
  }
}

export class ForbiddenError extends ClientError {
  constructor(message = 'Not allowed') {
    super(ErrorCode.FORBIDDEN, message);
  }
}

export class UnauthorizedError extends ClientError {
  constructor(message = 'Invalid credentials') {
    super(ErrorCode.UNAUTHORIZED, message);
  }
}

/** The tenant's plan expired: the message says what is refused and how to restore it. */
export class PaymentRequiredError extends ClientError {
  constructor(message: string) {
    super(ErrorCode.PAYMENT_REQUIRED, message);
  }
}

export class ConflictError extends ClientError {
  constructor(message: string, field?: string) {
    super(ErrorCode.CONFLICT, message, field ? { fields: [{ field, message }] } : undefined);
  }
}

export class FieldValidationError extends ClientError {
  constructor(fields: FieldError[]) {
    super(ErrorCode.VALIDATION_ERROR, 'Some fields are invalid', { fields });
  }
}

export class RateLimitedError extends ClientError {
  constructor(retryAfterSeconds: number) {
    super(ErrorCode.RATE_LIMITED, 'Too many attempts; try again later', { retryAfterSeconds });
  }
}

/** The service sheds load it cannot serve in time (503 with Retry-After): nothing was done. */
export class ServiceBusyError extends ClientError {
  constructor(retryAfterSeconds: number) {
    super(ErrorCode.SERVICE_UNAVAILABLE, 'The service is busy; try again shortly', { retryAfterSeconds });
  }
}
