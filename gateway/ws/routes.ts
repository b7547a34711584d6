import type { WsMethod } from '../../protocol/ws';

/** The actor action that serves each forwarded WebSocket method. */
export const WS_ACTIONS: Partial<Record<WsMethod, string>> = {
  'room.join': 'dojo-room.signal',
  'room.leave': 'dojo-room.signal',
  'room.kick': 'dojo-room.signal',
  'room.mute': 'dojo-room.signal',
  'chat.send': 'dojo-room.signal',
  'chat.delete': 'dojo-room.signal',
  'code.update': 'dojo-room.signal',
  'awareness.update': 'dojo-room.signal',
  'media.createTransport': 'dojo-room.signal',
  'media.connectTransport': 'dojo-room.signal',
  'media.produce': 'dojo-room.signal',
  'media.consume': 'dojo-room.signal',
  'media.resumeConsumer': 'dojo-room.signal',
  'media.pauseProducer': 'dojo-room.signal',
  'media.resumeProducer': 'dojo-room.signal',
  'media.closeProducer': 'dojo-room.signal',
  'media.setPreferredLayers': 'dojo-room.signal',
  'recording.start': 'dojo-room.signal',
  'recording.stop': 'dojo-room.signal',
};
