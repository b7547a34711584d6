import type { Formatter } from '../locale/format';
import type { Writable } from 'node:stream';
import { machineValue, rowBatches, type Cell, type Column, type ReportDoc, type Section } from './ReportDoc';
import { write } from './write';

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
  for (const section of doc.sections) lines.push(...sectionLines(doc, section, section.rows, 0));
  // A UTF-8 byte order mark so spreadsheets read the names in it as UTF-8.
  return Buffer.from(`\ufeff${lines.join('\r\n')}\r\n`, 'utf8');
}

/** The same CSV written to a stream, the streamed rows of listings included (exports). */
export async function writeCsv(doc: ReportDoc, out: Writable): Promise<void> {
  await write(out, `\ufeff${HEADER.join(',')}\r\n`);
  for (const section of doc.sections) {
    let n = 0;
    for await (const batch of rowBatches(section)) {
      await write(out, sectionLines(doc, section, batch, n).join('\r\n') + '\r\n');
      n += batch.length;
    }
  }
}

/** Records of `rows`, numbered from `first` + 1 within their section. */
function sectionLines(doc: ReportDoc, section: Section, rows: Cell[][], first: number): string[] {
  const lines: string[] = [];
  rows.forEach((row, r) => {
    section.columns.forEach((column, c) => {
      lines.push([section.id, String(first + r + 1), column.key, cell(doc.fmt, column, row[c] ?? '')].map(field).join(','));
    });
  });
  return lines;
}

/**
 * CSV is for programs: numbers keep a dot and no grouping, amounts two decimals, instants
 * become the tenant's calendar date (YYYY-MM-DD). The page formats are the localised ones.
 */
export function cell(fmt: Formatter, column: Column, value: Cell): string {
  const v = machineValue(fmt, column, value);
  if (v === null) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(2);
  return FORMULA_START.test(v) && !(value instanceof Date) ? `'${v}` : v;
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
