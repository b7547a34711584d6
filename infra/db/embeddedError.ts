/**
 * Why the embedded PostgreSQL cannot start, worded for the person running `npm start`: what is
 * wrong and what to do about it. deploy/start.ts prints the message and exits 1.
 */
export class EmbeddedPostgresError extends Error {
  override readonly name = 'EmbeddedPostgresError';
}
