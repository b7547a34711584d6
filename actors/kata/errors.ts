export { ConflictError, FieldValidationError, ForbiddenError, NotFoundError } from '../../infra/errors';

/** The database refused a write because a newer activation of the kata claimed it. */
export class FencedOutError extends Error {
  constructor() {
    super('stale kata activation: write refused');
    this.name = 'FencedOutError';
  }
}
