import type { Service, ServiceSchema } from 'moleculer';
import { hosts } from '../../config';
import type { Infrastructure } from '../../infra/infrastructure';
import { NodeMedia } from '../../media/NodeMedia';
import { createDojoRoomService } from './dojo-room.service';

/**
 * The dojo-room actor as a node registers it (ACTORS): the rooms' timings and chat limits come
 * from the configuration (DOJO_* settings), and their media from this node's mediasoup workers
 * when it hosts `media` too (DESIGN §4: media lives beside the rooms that drive it). Without
 * `media`, rooms still run chat and code, and media methods answer that media is not available
 * on this node.
 */
export function createDojoRoomActor(infra: Infrastructure): ServiceSchema {
  const options = infra.config.dojo;
  if (!hosts(infra.config, 'media')) return createDojoRoomService(infra, { options });
  const media = new NodeMedia({ config: infra.config, objectStore: infra.objectStore });
  return {
    ...createDojoRoomService(infra, { options, media: media.sessions }),
    // A mixin's `started` runs before the service's and its `stopped` after: the workers are up
    // before a room can open, and close only once every room has closed its media.
    mixins: [
      {
        async started(this: Service) {
          await media.start(this.logger);
        },
        stopped() {
          return media.close();
        },
      },
    ],
  };
}
