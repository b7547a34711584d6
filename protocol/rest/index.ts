import { ACCOUNT_ROUTES } from './account';
import { CODE_EXEC_ROUTES } from './codeExec';
import { DOJO_ROUTES } from './dojo';
import { DOJO_CHANGE_ROUTES } from './dojoChanges';
import { KATA_ROUTES } from './kata';
import { MEMBERSHIP_ROUTES } from './membership';
import { POC_ROUTES } from './poc';
import { RENDER_ROUTES } from './render';
import { EXPORT_ROUTES, REPORTS_ROUTES } from './reports';
import type { RouteDef } from './route';
import { TENANT_ROUTES } from './tenant';

/**
 * Every REST route of the contract, collected from each area's module.
 * Actors add their area's file here; the gateway serves exactly this list.
 */
// Order matters where paths overlap: the reports' fixed paths (/v1/reports/usage) come before render's /v1/reports/{id}.
export const ROUTE_TABLES = [
  TENANT_ROUTES,
  MEMBERSHIP_ROUTES,
  ACCOUNT_ROUTES,
  DOJO_ROUTES,
  DOJO_CHANGE_ROUTES,
  KATA_ROUTES,
  POC_ROUTES,
  REPORTS_ROUTES,
  EXPORT_ROUTES,
  RENDER_ROUTES,
  CODE_EXEC_ROUTES,
] as const;
export const ROUTES: readonly RouteDef[] = ROUTE_TABLES.flat();
