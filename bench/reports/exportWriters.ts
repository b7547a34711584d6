import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeCsv } from '../../actors/render/report/csv';
import { count, date, money, text, type Cell, type ReportDoc } from '../../actors/render/report/ReportDoc';
import { finish } from '../../actors/render/report/write';
import { writeXlsx } from '../../actors/render/report/xlsx';
import { Formatter } from '../../actors/render/locale/format';
import { DEFAULT_LOCALE } from '../../actors/render/locale/settings';
import { sampleMemory } from '../lib/memory';
import type { Row } from '../lib/table';

const BATCH = 5000;

/** A listing of `rows` rows of every column type, produced in batches as the export's listings are. */
function listing(rows: number): ReportDoc {
  const start = Date.UTC(2025, 0, 1);
  return {
    title: 'Bench',
    subtitle: '',
    generated: '',
    language: 'pt-BR',
    nothing: '',
    fmt: new Formatter(DEFAULT_LOCALE),
    sections: [
      {
        id: 'rows',
        title: 'Linhas',
        columns: [date('date', 'Data'), text('subject', 'Assunto'), text('user', 'Usuário'), count('participants', 'Participantes'), count('minutes', 'Minutos'), money('total', 'Total', 'BRL')],
        rows: [],
        async *more() {
          for (let first = 0; first < rows; first += BATCH) {
            const batch: Cell[][] = [];
            for (let i = first; i < Math.min(rows, first + BATCH); i++) {
              batch.push([new Date(start + (i % 365) * 86_400_000 + 43_200_000), `Dojo ${i}: katas, pairs, "quotes"`, `user${i % 500}`, i % 40, 30 + (i % 90), (i % 100_000) / 100]);
            }
            yield batch;
          }
        },
      },
    ],
  };
}

/** CSV (the baseline) and XLSX of the same 100k-row listing, each streamed to a file: time, peak RSS above idle, size. */
export async function benchWriters(rows = 100_000): Promise<Row[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-export-'));
  try {
    const out: Row[] = [];
    for (const format of ['csv', 'xlsx'] as const) {
      const file = path.join(dir, `rows.${format}`);
      (globalThis as { gc?: () => void }).gc?.();
      const memory = sampleMemory();
      const started = process.hrtime.bigint();
      if (format === 'xlsx') await writeXlsx(listing(rows), file);
      else {
        const stream = createWriteStream(file);
        await writeCsv(listing(rows), stream);
        await finish(stream);
      }
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const peak = memory.stop();
      out.push({
        export: `${format.toUpperCase()}, ${rows.toLocaleString('en-US')} rows x 6 columns, streamed to a file`,
        s: seconds,
        'peak RSS +MiB': Math.round(peak / 2 ** 20),
        MiB: (await stat(file)).size / 2 ** 20,
      });
    }
    const [csv, xlsx] = out as [Row, Row];
    xlsx['x CSV time'] = Number(xlsx.s) / Number(csv.s);
    return out;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
