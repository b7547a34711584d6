import type { ServiceSchema } from 'moleculer';
import type { ServiceName } from '../config';
import type { Infrastructure } from '../infra/infrastructure';
import { createCodeExecService } from './code-exec/code-exec.service';
import { createDojoRoomActor } from './dojo-room/actor';
import { createPocService } from './poc/poc.service';
import { createRenderService } from './render/render.service';
import { createTenantService } from './tenant/tenant.service';

/** Builds one actor's Moleculer service from the process's shared infrastructure. */
export type ActorFactory = (infra: Infrastructure) => ServiceSchema;

/**
 * The actors this build knows, by the name `SERVICES` uses. Each actor issue adds its entry.
 * (`gateway` is not an actor, and `jobs` stands above the actors: deploy/node.ts wires both.)
 */
export const ACTORS: Partial<Record<ServiceName, ActorFactory>> = {
  tenant: createTenantService,
  poc: createPocService,
  'dojo-room': createDojoRoomActor,
  render: createRenderService,
  'code-exec': createCodeExecService,
};

/** Which backing services an actor needs, so a gateway-only node starts no database. */
export const NEEDS: Record<ServiceName, { database: boolean; objectStore: boolean }> = {
  gateway: { database: false, objectStore: false },
  tenant: { database: true, objectStore: true },
  poc: { database: true, objectStore: false },
  'dojo-room': { database: true, objectStore: true },
  render: { database: true, objectStore: true },
  media: { database: false, objectStore: true },
  jobs: { database: true, objectStore: false },
  'code-exec': { database: true, objectStore: false },
};
