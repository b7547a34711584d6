import { CODE_EXEC_ROUTES } from './codeExec';
import { DOJO_ROUTES } from './dojo';
import { KATA_ROUTES } from './kata';
import { POC_ROUTES } from './poc';
import { RENDER_ROUTES } from './render';
import type { RouteDef } from './route';
import { TENANT_ROUTES } from './tenant';

/**
 * Every REST route of the contract, collected from each area's module.
 * Actors add their area's file here; the gateway serves exactly this list.
 */
export const ROUTE_TABLES = [TENANT_ROUTES, DOJO_ROUTES, KATA_ROUTES, POC_ROUTES, RENDER_ROUTES, CODE_EXEC_ROUTES] as const;
export const ROUTES: readonly RouteDef[] = ROUTE_TABLES.flat();
