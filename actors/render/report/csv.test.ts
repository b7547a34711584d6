import test from 'ava';
import { parseCsv, toCsv } from './csv';
import type { ReportDoc } from './ReportDoc';

const doc: ReportDoc = {
  title: 't',
  subtitle: 's',
  generatedAt: '2026-01-01T00:00:00.000Z',
  sections: [
    {
      id: 'tags',
      title: 'Tags',
      columns: [
        { key: 'tag', label: 'Tag' },
        { key: 'pocs', label: 'POCs', numeric: true },
      ],
      rows: [
        ['plain', 3],
        ['comma, "quote"', 2],
        ['line\r\nbreak', 1],
        ['=SUM(A1)', 0],
        ['-1', 12345678],
        ['Łódź', 0.5],
      ],
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
