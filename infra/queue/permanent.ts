/**
 * A handler failure no retry can fix: a binary the node does not have, a record the database
 * refuses (a poison message), input that can never be processed. Retrying it only delays the answer the user will get anyway (five attempts with
 * backoff took minutes to say "not available"), so the delivery is dead-lettered at once.
 * Any error with `permanent: true` counts, so a domain error can carry the flag itself.
 */
export class PermanentError extends Error {
  readonly permanent = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentError';
  }
}

export function isPermanent(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { permanent?: unknown }).permanent === true;
}
