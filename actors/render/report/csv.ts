import type { Formatter } from '../locale/format';
import type { Cell, Column, ReportDoc } from './ReportDoc';

const HEADER = ['section', 'row', 'field', 'value'];
// A spreadsheet runs a cell starting with these as a formula (CSV injection, OWASP): text cells
// that start with one get a leading apostrophe, which spreadsheets show as plain text.
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * RFC 4180 CSV: CRLF line ends, every field quoted when it holds a comma, quote or line break,
 * quotes doubled. One long table (`section,row,field,value`) so every record has four fields and
 * each number parses back as written; `row` numbers the records of a section from 1.
 */
export function toCsv(doc: ReportDoc): Buffer {
  const lines = [HEADER.join(',')];
  for (const section of doc.sections) {
    section.rows.forEach((row, r) => {
      section.columns.forEach((column, c) => {
        lines.push([section.id, String(r + 1), column.key, cell(doc.fmt, column, row[c] ?? '')].map(field).join(','));
      });
    });
  }
  // A UTF-8 byte order mark so spreadsheets read the names in it as UTF-8.
  return Buffer.from(`\ufeff${lines.join('\r\n')}\r\n`, 'utf8');
}

/**
 * CSV is for programs: numbers keep a dot and no grouping, amounts two decimals, instants
 * become the tenant's calendar date (YYYY-MM-DD). The page formats are the localised ones.
 */
export function cell(fmt: Formatter, column: Column, value: Cell): string {
  if (value instanceof Date) return column.type === 'date' ? fmt.isoDate(value) : value.toISOString();
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(2);
  return FORMULA_START.test(value) ? `'${value}` : value;
}

function field(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Parses RFC 4180 text (the inverse of toCsv's quoting), for tests and tools. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let value = '';
  let quoted = false;
  const body = text.replace(/^\ufeff/, '');
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (quoted) {
      if (ch === '"' && body[i + 1] === '"') {
        value += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else value += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      record.push(value);
      value = '';
    } else if (ch === '\r' && body[i + 1] === '\n') {
      record.push(value);
      records.push(record);
      record = [];
      value = '';
      i++;
    } else value += ch;
  }
  if (value !== '' || record.length > 0) records.push([...record, value]);
  return records;
}
