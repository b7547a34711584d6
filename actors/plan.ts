import type { Context } from 'moleculer';
import { PaymentRequiredError } from '../infra/errors';

/**
 * The one rule of an expired plan (issue 18): the tenant keeps reading what it has, but starts
 * no new paid work (dojos, renders) until an admin pays. Whether the plan expired is the tenant
 * actor's to say (`tenant.planStatus`); the 402's message names what is refused and the way back.
 */
export async function requirePlan(ctx: Context, tenantId: string, what: string): Promise<void> {
  const { expired } = (await ctx.call('tenant.planStatus', { tenantId })) as { expired: boolean };
  if (expired) throw new PaymentRequiredError(`The tenant's plan has expired: ${what} resume once an admin renews it (POST /v1/payment)`);
}
