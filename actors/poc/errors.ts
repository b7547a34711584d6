import { ForbiddenError, NotFoundError } from '../../infra/errors';

export { FieldValidationError } from '../../infra/errors';

/**
 * Missing, deleted, in another tenant, or private to someone else: one answer for all four,
 * so a caller learns nothing about POCs they may not see.
 */
export class PocNotFoundError extends NotFoundError {
  constructor() {
    super('POC');
  }
}

/** The caller sees the POC (it is public) but only its owner may change it. */
export class NotPocOwnerError extends ForbiddenError {
  constructor() {
    super('Only the owner may change this POC');
  }
}
