import { Errors } from 'moleculer';
import { ErrorCode, HTTP_STATUS } from '../../protocol/errors';

/**
 * The room is not (or no longer) active on the node that was asked: the caller looks the owner
 * up again. Internal between the nodes of a room actor; a client only sees it if placement gives up.
 */
export class RoomMovedError extends Errors.MoleculerRetryableError {
  constructor(reason: string) {
    super(`Room is not active here: ${reason}`, 503, 'ROOM_MOVED');
  }
}

export function isRoomMoved(error: unknown): boolean {
  return (error as { type?: unknown })?.type === 'ROOM_MOVED';
}

/**
 * Placement gave up (the room kept moving past the dispatch deadline). Shaped as the actors'
 * client errors are (type = protocol code), so the gateway answers 503 and the client retries;
 * declared here because infra/ may not import actors/.
 */
export class RoomUnavailableError extends Errors.MoleculerClientError {
  constructor(message: string) {
    super(message, HTTP_STATUS[ErrorCode.SERVICE_UNAVAILABLE], ErrorCode.SERVICE_UNAVAILABLE);
  }
}
