import { ClientError } from '../../infra/errors';
import { ErrorCode } from '../../protocol/errors';

export { ClientError, ConflictError, FieldValidationError, ForbiddenError, NotFoundError, RateLimitedError, ServiceBusyError } from '../../infra/errors';

/** The database refused a write because a newer activation of the room claimed it. */
export class FencedOutError extends Error {
  constructor(what: string) {
    super(`stale room activation: ${what} refused`);
    this.name = 'FencedOutError';
  }
}

export class ServiceUnavailableError extends ClientError {
  constructor(message: string) {
    super(ErrorCode.SERVICE_UNAVAILABLE, message);
  }
}

export class BadRequestError extends ClientError {
  constructor(message: string) {
    super(ErrorCode.BAD_REQUEST, message);
  }
}
