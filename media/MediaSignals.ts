import { FieldValidationError } from '../infra/errors';
import { WS_METHODS, type WsData, type WsMethod } from '../protocol/ws';
import type { RoomMedia } from './RoomMedia';

/** The `media.*` signaling methods (recording.* stays with the room: it owns the recordings row). */
export type MediaSignal = Extract<WsMethod, `media.${string}`>;

export function isMediaSignal(method: string): method is MediaSignal {
  return method.startsWith('media.') && Object.prototype.hasOwnProperty.call(WS_METHODS, method);
}

type Handler<M extends MediaSignal> = (media: RoomMedia, userId: string, data: WsData<M>) => Promise<unknown>;

/** Methods that answer nothing but success reply `{}`. */
const empty = (done: Promise<void>): Promise<object> => done.then(() => ({}));

const HANDLERS: { [M in MediaSignal]: Handler<M> } = {
  'media.createTransport': (media, userId, { direction }) => media.createTransport(userId, direction),
  'media.connectTransport': (media, userId, { transportId, dtlsParameters }) => empty(media.connectTransport(userId, transportId, dtlsParameters)),
  'media.produce': (media, userId, data) => media.produce(userId, data),
  'media.consume': (media, userId, data) => media.consume(userId, data),
  'media.resumeConsumer': (media, userId, { consumerId }) => empty(media.resumeConsumer(userId, consumerId)),
  'media.pauseProducer': (media, userId, { producerId }) => empty(media.pauseProducer(userId, producerId)),
  'media.resumeProducer': (media, userId, { producerId }) => empty(media.resumeProducer(userId, producerId)),
  'media.closeProducer': (media, userId, { producerId }) => empty(media.closeProducer(userId, producerId)),
  'media.setPreferredLayers': (media, userId, data) => empty(media.setPreferredLayers(userId, data)),
};

/**
 * Runs one `media.*` request of `userId` against the room's media and returns the reply data.
 * The data is checked against the protocol's schema again (this is an edge too); mistakes are
 * client errors, so the socket stays open.
 */
export async function handleMediaSignal(media: RoomMedia, method: MediaSignal, userId: string, data: unknown): Promise<unknown> {
  const parsed = WS_METHODS[method].safeParse(data);
  if (!parsed.success) {
    throw new FieldValidationError(parsed.error.issues.map((issue) => ({ field: ['data', ...issue.path].join('.'), message: issue.message })));
  }
  const handler = HANDLERS[method] as Handler<MediaSignal>;
  return handler(media, userId, parsed.data as WsData<MediaSignal>);
}
