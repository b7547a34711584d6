import { JobError } from '../../infra/jobs';
import { ErrorCode } from '../../protocol/errors';
import { ClientError } from '../../infra/errors';

export { JobAbandonedError } from '../../infra/jobs';

export { ConflictError, FieldValidationError, ForbiddenError, NotFoundError } from '../../infra/errors';

/** The file is asked for before the job completed. */
export class NotReadyError extends ClientError {
  constructor(what: string, status: string) {
    super(ErrorCode.CONFLICT, `${what} is not ready (status ${status})`);
  }
}

/** Cancel is for jobs that have not started; a running or finished one is left as it is. */
export class NotCancellableError extends ClientError {
  constructor(what: string, status: string) {
    super(ErrorCode.CONFLICT, `${what} cannot be cancelled: it is ${status}`);
  }
}

/**
 * A render failure whose message is safe to show the job's owner (stored in `error`); the details
 * (stderr, stack) go to the log only. `permanent`: no retry can succeed (ffmpeg or fonts missing on
 * the node), so the job fails on its first attempt (the job kit's JobError).
 */
export class RenderError extends JobError {
  constructor(message: string, details?: string, permanent = false) {
    super(message, details, permanent);
    this.name = 'RenderError';
  }
}
