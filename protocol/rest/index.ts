import { ACCOUNT_ROUTES } from './account';
import { DOJO_ROUTES } from './dojo';
import { MEMBERSHIP_ROUTES } from './membership';
import { POC_ROUTES } from './poc';
import { RENDER_ROUTES } from './render';
import type { RouteDef } from './route';
import { TENANT_ROUTES } from './tenant';

/**
 * Every REST route of the contract, collected from each area's module.
 * Actors add their area's file here; the gateway serves exactly this list.
 */
export const ROUTES: readonly RouteDef[] = [...TENANT_ROUTES, ...MEMBERSHIP_ROUTES, ...ACCOUNT_ROUTES, ...DOJO_ROUTES, ...POC_ROUTES, ...RENDER_ROUTES];
