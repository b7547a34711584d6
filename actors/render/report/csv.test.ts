import test from 'ava';
import { parseCsv, toCsv } from './csv';
import { Formatter } from '../locale/format';
import { DEFAULT_LOCALE } from '../locale/settings';
import { count, date, text, type ReportDoc } from './ReportDoc';

const doc: ReportDoc = {
  title: 't',
  subtitle: 's',
  generated: 'g',
  language: 'pt-BR',
  nothing: '-',
  fmt: new Formatter(DEFAULT_LOCALE),
  sections: [
    {
      id: 'tags',
      title: 'Tags',
      columns: [text('tag', 'Tag'), count('pocs', 'POCs')],
      rows: [
        ['plain', 3],
        ['comma, "quote"', 2],
        ['line\r\nbreak', 1],
        ['=SUM(A1)', 0],
        ['-1', 12345678],
        ['Łódź', 0.5],
      ],
    },
    {
      id: 'dates',
      title: 'Dates',
      columns: [date('day', 'Day')],
      // 01:30 UTC on 1 January is still 31 December in São Paulo.
      rows: [[new Date('2026-01-01T01:30:00Z')]],
    },
  ],
};

test('RFC 4180: CRLF records, quoted fields with doubled quotes, a header, and it parses back', (t) => {
  const text = toCsv(doc).toString('utf8');
  t.true(text.startsWith('\ufeffsection,row,field,value\r\n'));
  t.true(text.endsWith('\r\n'));
  t.true(text.includes('tags,2,tag,"comma, ""quote"""\r\n'));
  const records = parseCsv(text);
  t.true(records.every((r) => r.length === 4));
  const values = records
    .slice(1)
    .filter((r) => r[2] === 'tag')
    .map((r) => r[3]);
  t.deepEqual(values, ['plain', 'comma, "quote"', 'line\r\nbreak', "'=SUM(A1)", "'-1", 'Łódź']);
  const numbers = records
    .slice(1)
    .filter((r) => r[2] === 'pocs')
    .map((r) => Number(r[3]));
  t.deepEqual(numbers, [3, 2, 1, 0, 12345678, 0.5]);
});

test('CSV stays machine-readable: dot decimals, and an instant as the tenant’s calendar date', (t) => {
  const records = parseCsv(toCsv(doc).toString('utf8'));
  t.deepEqual(records.at(-1), ['dates', '1', 'day', '2025-12-31']);
  t.true(records.some((r) => r[3] === '0.50'));
});
