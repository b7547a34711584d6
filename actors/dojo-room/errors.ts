import { Errors } from 'moleculer';
import { ClientError } from '../../infra/errors';
import { ErrorCode } from '../../protocol/errors';

export { ClientError, ConflictError, FieldValidationError, ForbiddenError, NotFoundError, RateLimitedError } from '../../infra/errors';

/**
 * The room is not (or no longer) active on the node that was asked: the caller looks the owner
 * up again. Internal between dojo-room nodes; a client only sees it if placement gives up.
 */
export class RoomMovedError extends Errors.MoleculerRetryableError {
  constructor(reason: string) {
    super(`Room is not active here: ${reason}`, 503, 'ROOM_MOVED');
  }
}

export function isRoomMoved(error: unknown): boolean {
  return (error as { type?: unknown })?.type === 'ROOM_MOVED';
}

/** The database refused a write because a newer activation of the room claimed it. */
export class FencedOutError extends Error {
  constructor(what: string) {
    super(`stale room activation: ${what} refused`);
    this.name = 'FencedOutError';
  }
}

export class ServiceUnavailableError extends ClientError {
  constructor(message: string) {
    super(ErrorCode.SERVICE_UNAVAILABLE, message);
  }
}

export class BadRequestError extends ClientError {
  constructor(message: string) {
    super(ErrorCode.BAD_REQUEST, message);
  }
}
