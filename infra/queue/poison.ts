/**
 * Thrown by a handler for a message that no redelivery can help (the database refuses its
 * data): the message goes to the dead letters at once, instead of being retried until
 * maxDeliver and holding a consumer slot through every backoff.
 */
export class PoisonMessage extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PoisonMessage';
  }
}
