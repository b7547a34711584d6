import type { ServiceSchema } from 'moleculer';
import type { Infrastructure } from '../../deploy/infrastructure';
import { createDojoRoomService } from './dojo-room.service';

/**
 * The dojo-room actor as a node registers it (ACTORS): the rooms' timings and chat limits come
 * from the configuration (DOJO_* settings).
 */
export function createDojoRoomActor(infra: Infrastructure): ServiceSchema {
  return createDojoRoomService(infra, { options: infra.config.dojo });
}
