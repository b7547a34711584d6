import type { Writable } from 'node:stream';
import type { EXPORT_TYPES } from '../../../protocol/rest/reports';
import type { TenantLocale } from '../locale/settings';
import { currencyOf, machineValue, rowBatches, type ReportDoc } from './ReportDoc';
import { write } from './write';

/**
 * A report as one JSON document (protocol/rest/reports.ts `reportJson`), written as it is read:
 * sections and rows go out one batch at a time, so a 100k-row listing never sits in memory.
 */
export async function writeJson(doc: ReportDoc, meta: { type: (typeof EXPORT_TYPES)[number]; locale: TenantLocale }, out: Writable): Promise<void> {
  const head = {
    type: meta.type,
    title: doc.title,
    subtitle: doc.subtitle,
    generated_at: new Date().toISOString(),
    locale: meta.locale.locale,
    time_zone: meta.locale.timeZone,
    currency: meta.locale.currency,
  };
  await write(out, `${JSON.stringify(head).slice(0, -1)},"sections":[`);
  for (const [i, section] of doc.sections.entries()) {
    const columns = section.columns.map((c) => ({ key: c.key, label: c.label, type: c.type, ...(typeof c.currency === 'string' ? { currency: c.currency } : {}) }));
    const intro = { id: section.id, title: section.title, columns, ...(section.note ? { note: section.note } : {}) };
    await write(out, `${i ? ',' : ''}${JSON.stringify(intro).slice(0, -1)},"rows":[`);
    let first = true;
    for await (const batch of rowBatches(section)) {
      const records = batch.map((row) => {
        const record: Record<string, string | number | null> = {};
        section.columns.forEach((c, j) => {
          record[c.key] = machineValue(doc.fmt, c, row[j]);
          // A money cell whose currency is per row says it beside the amount.
          if (c.type === 'money' && typeof c.currency === 'object') record[`${c.key}_currency`] = currencyOf(c, row) ?? null;
        });
        return JSON.stringify(record);
      });
      if (records.length) await write(out, `${first ? '' : ','}${records.join(',')}`);
      first &&= records.length === 0;
    }
    await write(out, ']}');
  }
  await write(out, ']}\n');
}
