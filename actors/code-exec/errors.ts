import { ClientError } from '../../infra/errors';
import { ErrorCode } from '../../protocol/errors';

export { FieldValidationError, NotFoundError } from '../../infra/errors';

/** A room or tenant asked for more runs than its limits allow: 429 with Retry-After. */
export class TooManyRunsError extends ClientError {
  constructor(message: string, retryAfterSeconds: number) {
    super(ErrorCode.RATE_LIMITED, message, { retryAfterSeconds });
  }
}
