import type { Context } from 'moleculer';
import type { AuthContext } from '../protocol/auth';
import { UnauthorizedError } from '../infra/errors';

export type { AuthContext } from '../protocol/auth';

/** Metadata the gateway attaches to every call it makes on a client's behalf. */
export interface CallMeta {
  auth?: AuthContext;
  requestId?: string;
  ip?: string;
  userAgent?: string;
  headers?: Record<string, string>;
  sessionId?: string;
}

/** The caller of an authenticated action; throws 401 when the gateway sent none. */
export function caller(ctx: Context<unknown, CallMeta>): AuthContext {
  const auth = ctx.meta.auth;
  if (!auth) throw new UnauthorizedError('Authentication required');
  return auth;
}
