import { z } from 'zod';
import { idParams, pagination, success, uuid } from './common';
import { defineRoutes } from './route';
import { email, password, personName, role, username } from './tenant';

// Tenants run themselves: their settings, who may join them, and what their admins did.

/** A DNS name (a company's mail domain): labels of letters, digits and inner "-", with a dot. */
export const domainName = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  // The length is .max's; the pattern has no lookahead, so generators (the fuzz suite's) can follow it.
  .regex(/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be a domain name such as example.com');
/** An IANA time zone the runtime knows (America/Sao_Paulo, UTC). */
export const timeZone = z
  .string()
  .min(1)
  .max(64)
  .refine(
    (zone) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    },
    { message: 'must be an IANA time zone such as America/Sao_Paulo' },
  );
/** open: anyone who knows the slug; invite: only with an invitation; domain: addresses of the allowed domains. */
export const membershipMode = z.enum(['open', 'invite', 'domain']);
export const locale = z.enum(['pt-BR', 'en']);
export const currency = z.enum(['BRL', 'USD']);

const settings = z.object({
  membership: membershipMode,
  allowed_domains: z.array(domainName).max(20),
  locale,
  time_zone: timeZone,
  currency,
});
export const tenantView = z.object({
  id: uuid,
  name: z.string(),
  slug: z.string(),
  domain: z.string().nullable(),
  status: z.enum(['ACTIVE', 'SUSPENDED']),
  settings,
});
export const tenantUpdateBody = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    domain: domainName.nullable().optional(),
    settings: settings.partial().strict().optional(),
  })
  .strict()
  .refine((b) => b.settings?.membership !== 'domain' || b.settings.allowed_domains === undefined || b.settings.allowed_domains.length > 0, {
    message: 'domain membership needs at least one allowed domain',
    path: ['settings', 'allowed_domains'],
  });

export const invitationBody = z.object({ email, role: role.default('member') });
export const invitationListQuery = z.object({ status: z.enum(['PENDING', 'ACCEPTED', 'REVOKED', 'EXPIRED']).optional(), ...pagination(50, 200) });
export const acceptInvitationBody = z.object({ token: z.string().min(1).max(200), firstName: personName, lastName: personName, username, password });
const invitation = z.object({
  id: uuid,
  email: z.string(),
  role,
  status: z.enum(['PENDING', 'ACCEPTED', 'REVOKED', 'EXPIRED']),
  invited_by: uuid.nullable(),
  expires_at: z.string(),
  created: z.string(),
});

export const userStatusBody = z.object({ account_status: z.enum(['A', 'D']) });
export const auditQuery = z.object({ target_id: uuid.optional(), ...pagination(50, 200) });
const auditEntry = z.object({ id: uuid, actor_id: uuid.nullable(), action: z.string(), target_id: uuid.nullable(), detail: z.record(z.string(), z.unknown()), created: z.string() });

export const MEMBERSHIP_ROUTES = defineRoutes([
  {
    method: 'GET',
    path: '/v1/tenant',
    auth: 'user',
    action: 'tenant.getTenant',
    tag: 'tenants',
    summary: "The caller's tenant: name, domain, status and settings (membership, locale, time zone, currency); admins only",
    response: tenantView,
  },
  {
    method: 'PUT',
    path: '/v1/tenant',
    auth: 'user',
    action: 'tenant.updateTenant',
    tag: 'tenants',
    summary: "Change the tenant's name, domain or settings (admins only); absent fields keep their value",
    body: tenantUpdateBody,
    response: tenantView,
  },
  {
    method: 'POST',
    path: '/v1/invitations',
    auth: 'user',
    action: 'tenant.invite',
    tag: 'invitations',
    status: 201,
    summary: 'Invite someone by email (admins only): a single-use link valid 7 days that creates their account already confirmed',
    body: invitationBody,
    response: invitation,
  },
  {
    method: 'GET',
    path: '/v1/invitations',
    auth: 'user',
    action: 'tenant.listInvitations',
    tag: 'invitations',
    summary: "The tenant's invitations, newest first (admins only)",
    query: invitationListQuery,
    response: z.object({ invitations: z.array(invitation), total: z.number() }),
  },
  {
    method: 'DELETE',
    path: '/v1/invitations/{id}',
    auth: 'user',
    action: 'tenant.revokeInvitation',
    tag: 'invitations',
    summary: 'Revoke a pending invitation (admins only): its link stops working',
    params: idParams,
    response: success,
  },
  {
    method: 'POST',
    path: '/v1/invitations/accept',
    auth: 'public',
    action: 'tenant.acceptInvitation',
    tag: 'invitations',
    status: 201,
    rateLimitPerMinute: 300,
    summary: "Accept an invitation with the token from its mail: the account is created active, with the invitation's email and role",
    body: acceptInvitationBody,
    response: z.object({ id: uuid, account_status: z.literal('A') }),
  },
  {
    method: 'PUT',
    path: '/v1/users/{id}/status',
    auth: 'user',
    action: 'tenant.setUserStatus',
    tag: 'users',
    summary: 'Deactivate (D) or reactivate (A) a user (admins only); a deactivated user is logged out everywhere at once',
    params: idParams,
    body: userStatusBody,
    response: z.object({ id: uuid, account_status: z.enum(['A', 'D']) }),
  },
  {
    method: 'GET',
    path: '/v1/audit',
    auth: 'user',
    action: 'tenant.audit',
    tag: 'users',
    summary: 'What admins changed (roles, activations, invitations, settings), newest first (admins only)',
    query: auditQuery,
    response: z.object({ entries: z.array(auditEntry), total: z.number() }),
  },
]);
