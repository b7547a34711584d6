import type { Sql } from '../../../infra/db/sql';

export type ReportLanguage = 'pt-BR' | 'en';

/** How a tenant's reports speak: language, the time zone its days and years are counted in, its currency. */
export interface TenantLocale {
  locale: ReportLanguage;
  timeZone: string;
  currency: string;
}

/** The customers are in Brazil (issue 19). */
export const DEFAULT_LOCALE: TenantLocale = { locale: 'pt-BR', timeZone: 'America/Sao_Paulo', currency: 'BRL' };

/**
 * The one place reports, dashboards and videos learn a tenant's locale, time zone and currency:
 * the tenant's settings (PUT /v1/tenant; new tenants start with DEFAULT_LOCALE). Called outside
 * any transaction (at the start of a request or a job), so it opens its own tenant scope.
 */
export async function tenantLocale(sql: Sql, tenantId: string): Promise<TenantLocale> {
  const row = await sql.tenant(tenantId, () => sql.one<{ locale: ReportLanguage; time_zone: string; currency: string }>('SELECT locale, time_zone, currency FROM tenants WHERE id = $1', [tenantId]));
  return row ? { locale: row.locale, timeZone: row.time_zone, currency: row.currency } : DEFAULT_LOCALE;
}

/** A request's own `locale` (an export may ask for English) over the tenant's. */
export function withLanguage(base: TenantLocale, locale: ReportLanguage | undefined): TenantLocale {
  return locale ? { ...base, locale } : base;
}
