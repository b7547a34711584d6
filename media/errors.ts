import { ClientError } from '../infra/errors';
import { ErrorCode } from '../protocol/errors';

/**
 * A signaling client's mistake in a media call. It extends the shared ClientError (infra/errors), so it
 * crosses the transporter with its protocol code and the gateway answers it on the socket
 * (the socket stays open).
 */
export class MediaClientError extends ClientError {}

/** An unknown (or someone else's) transport, producer or consumer id. */
export class MediaNotFoundError extends MediaClientError {
  constructor(what: 'Transport' | 'Producer' | 'Consumer' | 'Participant', id: string) {
    super(ErrorCode.NOT_FOUND, `${what} ${id.slice(0, 64)} not found`);
  }
}

/** Bad capabilities or parameters: mediasoup refused them. `field` names the data field. */
export class MediaValidationError extends MediaClientError {
  constructor(field: string, message: string) {
    super(ErrorCode.VALIDATION_ERROR, message, { fields: [{ field, message }] });
  }
}

/** Too many of something, or done twice (connecting a transport again). */
export class MediaConflictError extends MediaClientError {
  constructor(message: string) {
    super(ErrorCode.CONFLICT, message);
  }
}

/** The room's media is being rebuilt (its worker died) or closed: try again after the reset push. */
export class MediaUnavailableError extends MediaClientError {
  constructor(message: string) {
    super(ErrorCode.SERVICE_UNAVAILABLE, message);
  }
}

/**
 * mediasoup throws TypeError (its parameter checks) and UnsupportedError (codecs the router
 * lacks) for what a client sent; those are the client's mistake, anything else is ours.
 */
export function asClientMistake(error: unknown, field: string): unknown {
  if (error instanceof TypeError || (error instanceof Error && error.name === 'UnsupportedError')) {
    return new MediaValidationError(field, error.message);
  }
  return error;
}

/**
 * A request on an object that closed while the request was on its way to the worker (the
 * consumer's producer just went): the worker answers "Channel request handler with ID ... not
 * found". That is the client's object being gone, answered as NOT_FOUND, not our fault. A
 * closed channel (the worker died) is left alone: the room's reset deals with it.
 */
export async function unlessGone<T>(request: Promise<T>, what: 'Producer' | 'Consumer', id: string): Promise<T> {
  try {
    return await request;
  } catch (error) {
    if (error instanceof Error && error.name !== 'InvalidStateError' && /request handler with ID \S+ not found/.test(error.message)) {
      throw new MediaNotFoundError(what, id);
    }
    throw error;
  }
}
