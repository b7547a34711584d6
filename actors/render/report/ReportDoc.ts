import { Formatter } from '../locale/format';
import { DEFAULT_LOCALE, type TenantLocale } from '../locale/settings';
import { TEXTS, type Texts } from '../locale/texts';
import type { AnnualFigures } from './AnnualData';
import type { BillingFigures, BillingState } from './BillingData';

/** A value as the figures hold it: text, a number (count or amount), an instant. */
export type Cell = string | number | Date;

/**
 * What a column holds, which decides how each format writes it: counts and amounts right-aligned
 * and localised on a page, plain numbers in CSV; instants on the tenant's calendar; `month` a
 * `YYYY-MM` period; `percent` a fraction 0..1 (shown as 66,7 %). XLSX and JSON exports type their cells from it.
 */
export type ColumnType = 'text' | 'count' | 'money' | 'date' | 'month' | 'percent';

export interface Column {
  /** Field name in CSV, JSON and XLSX. */
  key: string;
  /** Heading in PDF, HTML and XLSX. */
  label: string;
  type: ColumnType;
  /** A money column's currency: fixed, or read from another column of the row (its index). */
  currency?: string | { column: number };
}

/**
 * One part of a report. Every format draws the same sections: a PDF or HTML table (or a label:
 * value grid for `figures`), a bar chart when `chart` names the columns, CSV records in the CSV.
 */
export interface Section {
  /** The CSV `section` value. */
  id: string;
  title: string;
  columns: Column[];
  rows: Cell[][];
  /**
   * Rows past `rows`, in batches, for listings too long to hold at once: CSV, XLSX and JSON
   * stream them to the file; PDF and HTML show `rows` alone (with a `note` saying so).
   */
  more?: () => AsyncIterable<Cell[][]>;
  layout?: 'table' | 'figures';
  chart?: { label: number; value: number };
  /** Shown when there are no rows. */
  empty?: string;
  note?: string;
}

/** A report, independent of its file format, in the tenant's language. */
export interface ReportDoc {
  title: string;
  subtitle: string;
  /** The "generated on …" line, localised. */
  generated: string;
  /** BCP 47 language of the texts (the HTML page's `lang`). */
  language: string;
  /** Shown for an empty section that says nothing of its own. */
  nothing: string;
  fmt: Formatter;
  sections: Section[];
}

export const count = (key: string, label: string): Column => ({ key, label, type: 'count' });
export const text = (key: string, label: string): Column => ({ key, label, type: 'text' });
export const date = (key: string, label: string): Column => ({ key, label, type: 'date' });
export const money = (key: string, label: string, currency: Column['currency']): Column => ({ key, label, type: 'money', currency });

export const percent = (key: string, label: string): Column => ({ key, label, type: 'percent' });

export const isNumeric = (column: Column) => column.type === 'count' || column.type === 'money' || column.type === 'percent';

/** A cell as a reader sees it on a page: localised numbers, money and dates. */
export function displayCell(fmt: Formatter, column: Column, row: Cell[], index: number): string {
  const value = row[index] ?? '';
  if (value === '') return '';
  if (value instanceof Date) return column.type === 'date' ? fmt.date(value) : fmt.dateTime(value);
  if (typeof value === 'number') return column.type === 'money' ? fmt.money(value, currencyOf(column, row)) : column.type === 'percent' ? fmt.percent(value) : fmt.count(value);
  if (column.type === 'month') return fmt.month(value);
  if (column.type === 'date') return fmt.date(value);
  return value;
}

export function currencyOf(column: Column, row: Cell[]): string | undefined {
  const c = column.currency;
  return typeof c === 'object' ? String(row[c.column] ?? '') || undefined : c;
}

/** A chart's label for a cell: a month's short name, or the cell as shown. */
export function chartLabel(fmt: Formatter, cell: Cell): string {
  return typeof cell === 'string' && /^\d{4}-\d{2}$/.test(cell) ? fmt.monthShort(cell) : String(cell);
}

/** Formatter and texts of a locale, and the header lines every report starts with. */
export function docBase(locale: TenantLocale, generatedAt: Date): { fmt: Formatter; t: Texts; head: Pick<ReportDoc, 'generated' | 'language' | 'nothing' | 'fmt'> } {
  const fmt = new Formatter(locale);
  const t = TEXTS[locale.locale];
  return { fmt, t, head: { generated: t.generated(fmt.dateTime(generatedAt), locale.timeZone), language: locale.locale, nothing: t.nothing, fmt } };
}

export function annualDoc(f: AnnualFigures, locale: TenantLocale = DEFAULT_LOCALE): ReportDoc {
  const { t: all, head } = docBase(locale, new Date(f.generatedAt));
  const t = all.annual;
  const n = f.totals;
  return {
    ...head,
    title: t.title(f.year),
    subtitle: `${f.tenant.name} (${f.tenant.slug})`,
    sections: [
      {
        id: 'summary',
        title: t.summary,
        layout: 'figures',
        columns: [
          count('pocs', t.pocs),
          count('authors', t.authors),
          count('languages', t.languages),
          count('dojos', t.dojosHeld),
          count('dojo_participants', t.dojoParticipants),
          count('dojo_minutes', t.dojoMinutes),
          count('videos', t.videos),
        ],
        rows: [[n.pocs, n.authors, n.languages, n.dojos, n.dojoParticipants, n.dojoMinutes, n.videos]],
      },
      {
        id: 'pocs_per_month',
        title: t.perMonth,
        chart: { label: 0, value: 1 },
        columns: [{ key: 'month', label: t.month, type: 'month' }, count('pocs', t.pocs)],
        rows: f.pocsPerMonth.map((pocs, i) => [`${f.year}-${String(i + 1).padStart(2, '0')}`, pocs]),
      },
      { id: 'languages', title: t.perLanguage, columns: [text('language', t.language), count('pocs', t.pocs)], rows: f.languages.map((l) => [l.name, l.count]), empty: t.noPocs },
      { id: 'tags', title: t.topTags, columns: [text('tag', t.tag), count('pocs', t.pocs)], rows: f.tags.map((l) => [l.name, l.count]), empty: t.noTags },
      { id: 'frameworks', title: t.topFrameworks, columns: [text('framework', t.framework), count('pocs', t.pocs)], rows: f.frameworks.map((l) => [l.name, l.count]), empty: t.noFrameworks },
      {
        id: 'users',
        title: t.activeUsers,
        empty: t.nobody,
        columns: [text('username', t.user), text('name', t.name), count('pocs', t.pocs), count('dojos', t.dojosAttended)],
        rows: f.users.map((u) => [u.username, u.name, u.pocs, u.dojos]),
      },
      {
        id: 'dojos',
        title: t.dojos,
        empty: t.noDojos,
        columns: [date('date', t.date), text('subject', t.subject), count('participants', t.participants), count('minutes', t.minutes)],
        rows: f.dojos.map((d) => [d.date, d.subject, d.participants, d.minutes]),
        note: f.dojos.length < n.dojos ? t.firstDojos(f.dojos.length, n.dojos) : undefined,
      },
    ],
  };
}

export function billingDoc(f: BillingFigures, locale: TenantLocale = DEFAULT_LOCALE): ReportDoc {
  const { t: all, head } = docBase(locale, new Date(f.generatedAt));
  const t = all.billing;
  return {
    ...head,
    title: t.title,
    subtitle: `${f.tenant.name} (${f.tenant.slug})`,
    sections: [
      billingState(t, f, all),
      { id: 'paid', title: t.paid, columns: [text('currency', t.currency), money('total', t.total, { column: 0 })], rows: f.paid.map((p) => [p.currency, p.total]), empty: t.nothingPaid },
      {
        id: 'payments',
        title: t.payments,
        empty: t.noPayments,
        columns: [date('date', t.date), text('plan', t.plan), money('total', t.total, { column: 3 }), text('currency', t.currency), text('gateway', t.gateway), text('status', t.status)],
        rows: f.payments.map((p) => [new Date(p.date), p.plan, p.total, p.currency, p.gateway, p.status]),
      },
    ],
  };
}

/** Every row of a section, the held ones then the streamed ones, in batches. */
export async function* rowBatches(section: Section): AsyncIterable<Cell[][]> {
  if (section.rows.length) yield section.rows;
  if (section.more) yield* section.more();
}

/** The plan section: the billing report's first, and the tenant overview's last. */
export function billingState(t: Texts['billing'], f: BillingState, all: Texts): Section {
  const yes = (v: boolean) => (v ? all.yes : all.no);
  return {
    id: 'plan',
    title: t.plan,
    layout: 'figures',
    columns: [text('plan', t.plan), money('price', t.price, f.currency), text('currency', t.currency), date('expiration', t.expires), text('autorenew', t.autorenew), text('active', t.active)],
    rows: [[f.plan ? t.planNames[f.plan] : t.planNames.none, f.price ?? '', f.currency, f.expiration ? new Date(f.expiration) : '', yes(f.autorenew), yes(f.active)]],
  };
}

/**
 * A cell as programs read it (CSV, JSON): numbers as numbers, a `date` column's instant as the
 * tenant's calendar date YYYY-MM-DD, any other instant in ISO 8601 UTC, an empty cell null.
 */
export function machineValue(fmt: Formatter, column: Column, value: Cell | undefined): string | number | null {
  if (value === undefined || value === '') return null;
  if (value instanceof Date) return column.type === 'date' ? fmt.isoDate(value) : value.toISOString();
  return value;
}
