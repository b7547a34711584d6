/**
 * Who is calling, as actions see it in `ctx.meta.auth`: the gateway builds it from a verified
 * access token and every actor reads it. Shared by both sides, so it lives in the contract.
 */
export interface AuthContext {
  userId: string;
  tenantId: string;
  role: TenantRole;
  sessionId: string;
}

/** A user's role in their tenant (the access token's `role` claim). */
export type TenantRole = 'admin' | 'facilitator' | 'member';

/** A member's role inside a live room (dojo or breakout room). */
export type RoomRole = 'facilitator' | 'participant' | 'observer';
