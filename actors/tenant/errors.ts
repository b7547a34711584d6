import { ClientError } from '../../infra/errors';
import { ErrorCode } from '../../protocol/errors';

export { ConflictError, FieldValidationError, ForbiddenError, NotFoundError, RateLimitedError } from '../../infra/errors';

/** Right password, but the account has not been confirmed from its mail yet. */
export class AccountNotConfirmedError extends ClientError {
  constructor() {
    super(ErrorCode.FORBIDDEN, 'Account not confirmed; use the link in the confirmation mail');
  }
}

export class AccountDisabledError extends ClientError {
  constructor() {
    super(ErrorCode.FORBIDDEN, 'Account disabled');
  }
}

/** One message for every credential failure, so a response never tells which part was wrong. */
export class BadCredentialsError extends ClientError {
  constructor() {
    super(ErrorCode.UNAUTHORIZED, 'Invalid tenant, username or password');
  }
}

export class InvalidRefreshTokenError extends ClientError {
  constructor() {
    super(ErrorCode.UNAUTHORIZED, 'Invalid or expired refresh token');
  }
}

/** The tenant was suspended by the platform's operators; told only to whoever knows the password. */
export class TenantSuspendedError extends ClientError {
  constructor() {
    super(ErrorCode.FORBIDDEN, 'This tenant is suspended; its admins can contact pocdojo support');
  }
}
