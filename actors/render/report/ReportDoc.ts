import type { AnnualFigures } from './AnnualData';
import type { BillingFigures } from './BillingData';

export type Cell = string | number;

export interface Column {
  /** Field name in the CSV. */
  key: string;
  /** Heading in PDF and HTML. */
  label: string;
  numeric?: boolean;
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
  layout?: 'table' | 'figures';
  chart?: { label: number; value: number };
  /** Shown when there are no rows. */
  empty?: string;
  note?: string;
}

/** A report, independent of its file format. */
export interface ReportDoc {
  title: string;
  subtitle: string;
  generatedAt: string;
  sections: Section[];
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const count = (key: string, label: string): Column => ({ key, label, numeric: true });
const text = (key: string, label: string): Column => ({ key, label });

export function annualDoc(f: AnnualFigures): ReportDoc {
  const t = f.totals;
  return {
    title: `Annual report ${f.year}`,
    subtitle: `${f.tenant.name} (${f.tenant.slug})`,
    generatedAt: f.generatedAt,
    sections: [
      {
        id: 'summary',
        title: 'The year in figures',
        layout: 'figures',
        columns: [
          count('pocs', 'POCs'),
          count('authors', 'Authors'),
          count('languages', 'Languages'),
          count('dojos', 'Dojos held'),
          count('dojo_participants', 'Dojo participants'),
          count('dojo_minutes', 'Dojo minutes'),
          count('videos', 'Videos generated'),
        ],
        rows: [[t.pocs, t.authors, t.languages, t.dojos, t.dojoParticipants, t.dojoMinutes, t.videos]],
      },
      {
        id: 'pocs_per_month',
        title: 'POCs per month',
        chart: { label: 0, value: 1 },
        columns: [text('month', 'Month'), count('pocs', 'POCs')],
        rows: f.pocsPerMonth.map((n, i) => [`${f.year}-${String(i + 1).padStart(2, '0')}`, n]),
      },
      { id: 'languages', title: 'POCs per language', columns: [text('language', 'Language'), count('pocs', 'POCs')], rows: f.languages.map((l) => [l.name, l.count]), empty: 'No POCs this year.' },
      { id: 'tags', title: 'Top tags', columns: [text('tag', 'Tag'), count('pocs', 'POCs')], rows: f.tags.map((l) => [l.name, l.count]), empty: 'No tags this year.' },
      {
        id: 'frameworks',
        title: 'Top frameworks',
        columns: [text('framework', 'Framework'), count('pocs', 'POCs')],
        rows: f.frameworks.map((l) => [l.name, l.count]),
        empty: 'No frameworks this year.',
      },
      {
        id: 'users',
        title: 'Most active users',
        empty: 'Nobody registered a POC this year.',
        columns: [text('username', 'User'), text('name', 'Name'), count('pocs', 'POCs'), count('dojos', 'Dojos attended')],
        rows: f.users.map((u) => [u.username, u.name, u.pocs, u.dojos]),
      },
      {
        id: 'dojos',
        title: 'Dojos held',
        empty: 'No dojos this year.',
        columns: [text('date', 'Date'), text('subject', 'Subject'), count('participants', 'Participants'), count('minutes', 'Minutes')],
        rows: f.dojos.map((d) => [d.date, d.subject, d.participants, d.minutes]),
        note: f.dojos.length < t.dojos ? `The first ${f.dojos.length} of ${t.dojos} dojos; the totals count them all.` : undefined,
      },
    ],
  };
}

export function billingDoc(f: BillingFigures): ReportDoc {
  const plan = f.plan === 'M' ? 'Monthly' : f.plan === 'Y' ? 'Yearly' : 'None';
  return {
    title: 'Billing report',
    subtitle: `${f.tenant.name} (${f.tenant.slug})`,
    generatedAt: f.generatedAt,
    sections: [
      {
        id: 'plan',
        title: 'Plan',
        layout: 'figures',
        columns: [text('plan', 'Plan'), count('price', 'Price'), text('currency', 'Currency'), text('expiration', 'Expires'), text('autorenew', 'Renews automatically'), text('active', 'Active')],
        rows: [[plan, f.price ?? '', f.currency, f.expiration?.slice(0, 10) ?? '', f.autorenew ? 'yes' : 'no', f.active ? 'yes' : 'no']],
      },
      { id: 'paid', title: 'Paid in total', columns: [text('currency', 'Currency'), count('total', 'Total')], rows: f.paid.map((p) => [p.currency, p.total]), empty: 'Nothing paid yet.' },
      {
        id: 'payments',
        title: 'Payments',
        empty: 'No payments.',
        columns: [text('date', 'Date'), text('plan', 'Plan'), count('total', 'Total'), text('currency', 'Currency'), text('gateway', 'Gateway'), text('status', 'Status')],
        rows: f.payments.map((p) => [p.date.slice(0, 10), p.plan, p.total, p.currency, p.gateway, p.status]),
      },
    ],
  };
}

/** A month label of a `YYYY-MM` cell, for charts. */
export function shortLabel(cell: Cell): string {
  const match = /^\d{4}-(\d{2})$/.exec(String(cell));
  return match ? (MONTHS[Number(match[1]) - 1] ?? String(cell)) : String(cell);
}
