import type { z } from 'zod';
import type { tenantUpdateBody, tenantView } from '../../protocol/rest/membership';
import { FieldValidationError, ForbiddenError, NotFoundError } from './errors';
import type { Sql } from '../../infra/db/sql';

export type TenantView = z.infer<typeof tenantView>;
export type TenantUpdate = z.infer<typeof tenantUpdateBody>;
export type Membership = TenantView['settings']['membership'];

interface TenantRow {
  id: string;
  name: string;
  slug: string;
  domain: string | null;
  status: 'A' | 'S';
  membership: Membership;
  allowed_domains: string[];
  locale: 'en' | 'pt-BR';
  time_zone: string;
  currency: 'USD' | 'BRL';
}

const COLUMNS = 'id, name, slug, domain, status, membership, allowed_domains, locale, time_zone, currency';

function view(row: TenantRow): TenantView {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    domain: row.domain,
    status: row.status === 'A' ? 'ACTIVE' : 'SUSPENDED',
    settings: { membership: row.membership, allowed_domains: row.allowed_domains, locale: row.locale, time_zone: row.time_zone, currency: row.currency },
  };
}

/** Refused self-registration: the message tells the person what to do instead. */
export class MembershipClosedError extends ForbiddenError {}

/**
 * The tenant's own record: name, domain, status and settings, and the membership rule that
 * decides who may register by slug.
 */
export class TenantSettings {
  constructor(readonly sql: Sql) {}

  async get(tenantId: string): Promise<TenantView> {
    const row = await this.sql.tenant(tenantId, () => this.sql.one<TenantRow>(`SELECT ${COLUMNS} FROM tenants WHERE id = $1`, [tenantId]));
    if (!row) throw new NotFoundError('Tenant');
    return view(row);
  }

  /** Applies the change and returns the new view with what changed (for the audit log). */
  async update(tenantId: string, change: TenantUpdate): Promise<{ tenant: TenantView; changed: Record<string, unknown> }> {
    const s = change.settings ?? {};
    return this.sql.tenant(tenantId, async () => {
      const before = await this.sql.one<TenantRow>(`SELECT ${COLUMNS} FROM tenants WHERE id = $1 FOR UPDATE`, [tenantId]);
      if (!before) throw new NotFoundError('Tenant');
      const membership = s.membership ?? before.membership;
      const allowed = s.allowed_domains ?? before.allowed_domains;
      // Checked against the result, so switching to `domain` with domains set earlier is fine.
      if (membership === 'domain' && allowed.length === 0) throw new FieldValidationError([{ field: 'settings.allowed_domains', message: 'domain membership needs at least one allowed domain' }]);
      const row = await this.sql.one<TenantRow>(
        `UPDATE tenants SET name = $2, domain = $3, membership = $4, allowed_domains = $5, locale = $6, time_zone = $7, currency = $8, updated = now()
          WHERE id = $1 RETURNING ${COLUMNS}`,
        [
          tenantId,
          change.name ?? before.name,
          change.domain === undefined ? before.domain : change.domain,
          membership,
          [...new Set(allowed)],
          s.locale ?? before.locale,
          s.time_zone ?? before.time_zone,
          s.currency ?? before.currency,
        ],
      );
      const changed: Record<string, unknown> = {};
      if (change.name !== undefined) changed.name = change.name;
      if (change.domain !== undefined) changed.domain = change.domain;
      if (change.settings) Object.assign(changed, change.settings);
      return { tenant: view(row as TenantRow), changed };
    });
  }

  /** Suspends or reactivates a tenant (platform operators, through the jobs CLI). */
  async setStatus(slug: string, status: 'A' | 'S'): Promise<{ tenantId: string; changed: boolean }> {
    const row = await this.sql.system(async () => {
      const found = await this.sql.one<{ id: string; status: 'A' | 'S' }>('SELECT id, status FROM tenants WHERE lower(slug) = lower($1) FOR UPDATE', [slug]);
      if (found && found.status !== status) await this.sql.rows('UPDATE tenants SET status = $2, updated = now() WHERE id = $1 RETURNING id', [found.id, status]);
      return found;
    });
    if (!row) throw new NotFoundError('Tenant');
    return { tenantId: row.id, changed: row.status !== status };
  }
}

/** The one rule of self-registration by slug, applied before any account is made. */
export function checkMembership(tenant: { membership: Membership; allowed_domains: string[] }, email: string): void {
  if (tenant.membership === 'open') return;
  if (tenant.membership === 'invite') {
    throw new MembershipClosedError('This tenant admits members by invitation only: ask one of its admins to invite you, then use the link in the invitation mail');
  }
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  if (!tenant.allowed_domains.includes(domain)) {
    throw new MembershipClosedError(`This tenant admits only addresses of ${tenant.allowed_domains.join(', ')}: register with one of them, or ask an admin for an invitation`);
  }
}
