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
 * The one place reports, dashboards and videos learn a tenant's locale, time zone and currency.
 * Tenant settings do not exist yet (they arrive with the tenant-administration work): until then
 * every tenant gets the defaults. When they land, read them here (with `sql`, inside the caller's
 * tenant scope or its own) and nothing else changes.
 */
export async function tenantLocale(sql: Sql, tenantId: string): Promise<TenantLocale> {
  void sql;
  void tenantId;
  return DEFAULT_LOCALE;
}

/** A request's own `locale` (an export may ask for English) over the tenant's. */
export function withLanguage(base: TenantLocale, locale: ReportLanguage | undefined): TenantLocale {
  return locale ? { ...base, locale } : base;
}
