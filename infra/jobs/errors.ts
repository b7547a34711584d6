/**
 * A job failure whose message is safe to show the job's owner (stored in the row's `error`); the
 * details (stderr, stack) go to the log only.
 */
export class JobError extends Error {
  /**
   * `permanent`: no retry can succeed (a binary missing on the node, invalid input): the job
   * fails on its first attempt and the queue dead-letters it at once (infra/queue isPermanent).
   */
  constructor(
    message: string,
    readonly details?: string,
    readonly permanent = false,
  ) {
    super(message);
    this.name = 'JobError';
  }
}

/** The job was cancelled, deleted or handed to another worker while it ran: stop quietly, nothing failed. */
export class JobAbandonedError extends Error {
  constructor(id: string) {
    super(`job ${id} was cancelled or deleted while running`);
    this.name = 'JobAbandonedError';
  }
}
