import type { TenantLocale } from './settings';

/**
 * Numbers, money and dates as the tenant reads them: `1.234`, `R$ 1.234,56`, `31/12/2025` in
 * pt-BR, and dates on the tenant's calendar (its time zone), not UTC's. Built once per report.
 */
export class Formatter {
  readonly #count: Intl.NumberFormat;
  readonly #decimal: Intl.NumberFormat;
  readonly #percent: Intl.NumberFormat;
  readonly #money = new Map<string, Intl.NumberFormat>();
  readonly #date: Intl.DateTimeFormat;
  readonly #day: Intl.DateTimeFormat;
  readonly #dateTime: Intl.DateTimeFormat;
  readonly #month: Intl.DateTimeFormat;
  readonly #monthShort: Intl.DateTimeFormat;
  readonly #isoDate: Intl.DateTimeFormat;

  constructor(readonly locale: TenantLocale) {
    const tag = locale.locale;
    this.#count = new Intl.NumberFormat(tag, { maximumFractionDigits: 0 });
    this.#decimal = new Intl.NumberFormat(tag, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    this.#percent = new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: 1 });
    this.#date = new Intl.DateTimeFormat(tag, { timeZone: locale.timeZone, dateStyle: 'short' });
    // A calendar day given as text is already the tenant's: printed as it is, whatever the zone.
    this.#day = new Intl.DateTimeFormat(tag, { timeZone: 'UTC', dateStyle: 'short' });
    this.#dateTime = new Intl.DateTimeFormat(tag, { timeZone: locale.timeZone, dateStyle: 'short', timeStyle: 'short' });
    // Months label calendar periods that are already the tenant's: no time zone shift on them.
    this.#month = new Intl.DateTimeFormat(tag, { timeZone: 'UTC', month: 'long', year: 'numeric' });
    this.#monthShort = new Intl.DateTimeFormat(tag, { timeZone: 'UTC', month: 'short' });
    this.#isoDate = new Intl.DateTimeFormat('en-CA', { timeZone: locale.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  }

  count(n: number): string {
    return Number.isInteger(n) ? this.#count.format(n) : this.#decimal.format(n);
  }

  /** A fraction 0..1 as "66,7 %" / "66.7%". */
  percent(n: number): string {
    return this.#percent.format(n);
  }

  money(n: number, currency = this.locale.currency): string {
    return this.#moneyFormat(currency).format(n);
  }

  #moneyFormat(currency: string): Intl.NumberFormat {
    let format = this.#money.get(currency);
    if (!format) {
      format = new Intl.NumberFormat(this.locale.locale, { style: 'currency', currency });
      this.#money.set(currency, format);
    }
    return format;
  }

  /** The currency's symbol as this locale writes it: R$, US$ in pt-BR; R$, $ in en. */
  currencySymbol(currency = this.locale.currency): string {
    return (
      this.#moneyFormat(currency)
        .formatToParts(0)
        .find((p) => p.type === 'currency')?.value ?? currency
    );
  }

  /** A calendar date of the tenant: an instant in its time zone, or a `YYYY-MM-DD` as it is. */
  date(value: Date | string): string {
    return typeof value === 'string' ? this.#day.format(new Date(`${value.slice(0, 10)}T12:00:00Z`)) : this.#date.format(value);
  }

  dateTime(value: Date): string {
    return this.#dateTime.format(value);
  }

  /** `YYYY-MM` as "janeiro de 2025" / "January 2025". */
  month(period: string): string {
    return this.#month.format(monthStart(period));
  }

  /** `YYYY-MM` as "jan." / "Jan", for chart labels. */
  monthShort(period: string): string {
    return this.#monthShort.format(monthStart(period));
  }

  /** The tenant's `YYYY-MM-DD` of an instant: the machine-readable form CSV, JSON and XLSX carry. */
  isoDate(value: Date): string {
    return this.#isoDate.format(value);
  }
}

function monthStart(period: string): Date {
  const [year, month] = period.split('-').map(Number);
  return new Date(Date.UTC(year ?? 1970, (month ?? 1) - 1, 15));
}
