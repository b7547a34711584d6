import { z } from 'zod';

export const uuid = z.uuid({ message: 'must be a UUID' });
export const idParams = z.object({ id: uuid });

/** `limit`/`offset` query parameters with the contract's defaults and caps. */
export function pagination(defaultLimit: number, maxLimit: number) {
  return {
    limit: z.coerce.number().int().min(1).max(maxLimit).default(defaultLimit),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  };
}

/**
 * A true/false parameter: the text a query string carries, or the boolean of a caller that has
 * already parsed it (an action behind the gateway gets the gateway's output).
 */
export const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')], { message: 'must be true or false' });

export const success = z.object({ success: z.boolean() });
