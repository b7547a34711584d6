import { z } from 'zod';

/**
 * What a producer carries, as its client says in media.produce's `appData.source`; the server
 * passes it on (media.newProducer, room.join's producers) so others tell a camera from a
 * screen share. Optional: a client that does not say is still served.
 */
export const mediaSource = z.enum(['camera', 'microphone', 'screen']);
export type MediaSource = z.infer<typeof mediaSource>;
