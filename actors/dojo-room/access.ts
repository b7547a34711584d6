import type { AuthContext } from '../auth';
import type { DojoRepository, DojoRow } from './DojoRepository';
import { FieldValidationError, ForbiddenError, NotFoundError } from './errors';

/** Who runs a dojo: its facilitator and the tenant's admins. */
export const isFacilitatorOf = (auth: AuthContext, dojo: DojoRow) => auth.role === 'admin' || dojo.facilitator_id === auth.userId;

/** The dojo (locked when asked) if the caller runs it; 404 when the tenant has no such dojo, 403 when it is not theirs. */
export async function facilitatedDojo(repo: DojoRepository, auth: AuthContext, dojoId: string, lock: boolean): Promise<DojoRow> {
  const dojo = await repo.find(auth.tenantId, dojoId, lock);
  if (!dojo) throw new NotFoundError('Dojo');
  if (!isFacilitatorOf(auth, dojo)) throw new ForbiddenError('Only the facilitator or a tenant admin may do this');
  return dojo;
}

/**
 * Refuses invitees who are no (active) users of the tenant, or who are named both a member
 * and an observer, with a field error naming each (`members.1`, `observers.0`).
 */
export async function checkInvitees(repo: DojoRepository, tenantId: string, members: readonly string[], observers: readonly string[]): Promise<void> {
  const overlap = observers.findIndex((u) => members.includes(u));
  if (overlap >= 0) throw new FieldValidationError([{ field: `observers.${overlap}`, message: 'is also a member' }]);
  const found = await repo.existingUsers(tenantId, [...new Set([...members, ...observers])]);
  const fields = [...members.map((u, i) => ['members', u, i] as const), ...observers.map((u, i) => ['observers', u, i] as const)]
    .filter(([, u]) => !found.has(u))
    .map(([list, , i]) => ({ field: `${list}.${i}`, message: 'is not a user of this tenant' }));
  if (fields.length > 0) throw new FieldValidationError(fields);
}
