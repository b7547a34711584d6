import { ErrorCode } from '../../protocol/errors';
import { ClientError } from '../../infra/errors';

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
 * (stderr, stack) go to the log only.
 */
export class RenderError extends Error {
  /**
   * `permanent`: no retry can succeed (ffmpeg or fonts missing on the node): the job fails on
   * its first attempt and the queue dead-letters it at once (infra/queue isPermanent).
   */
  constructor(message: string, readonly details?: string, readonly permanent = false) {
    super(message);
    this.name = 'RenderError';
  }
}

/** The job was cancelled or deleted while it rendered: stop quietly, nothing failed. */
export class JobAbandonedError extends Error {
  constructor(id: string) {
    super(`job ${id} was cancelled or deleted while rendering`);
    this.name = 'JobAbandonedError';
  }
}
