import { chartLabel, displayCell, isNumeric, type ReportDoc, type Section } from './ReportDoc';

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:2rem auto;max-width:60rem;color:#0f172a;padding:0 1rem}
h1{margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:2px solid #38bdf8;padding-bottom:.2rem}
.sub{color:#475569;margin-top:0}table{border-collapse:collapse;width:100%}
th,td{padding:.35rem .6rem;border-bottom:1px solid #e2e8f0;text-align:left}th{background:#f1f5f9}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(10rem,1fr));gap:.8rem}
.figure{background:#f1f5f9;border-radius:.5rem;padding:.8rem}.figure b{display:block;font-size:1.6rem}
.note,.empty{color:#64748b;font-style:italic}svg{max-width:100%;height:auto}`;

/** A self-contained HTML page: inline style, inline SVG chart, no script and nothing fetched. */
export function toHtml(doc: ReportDoc): Buffer {
  const parts = [
    '<!DOCTYPE html>',
    `<html lang="${esc(doc.language)}"><head><meta charset="utf-8">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // Nothing outside the page may load, even if a name in the data looked like markup.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>${esc(doc.title)} - ${esc(doc.subtitle)}</title><style>${STYLE}</style></head><body>`,
    `<h1>${esc(doc.title)}</h1><p class="sub">${esc(doc.subtitle)} &middot; ${esc(doc.generated)}</p>`,
  ];
  for (const section of doc.sections) parts.push(sectionHtml(doc, section));
  parts.push('</body></html>');
  return Buffer.from(parts.join('\n'), 'utf8');
}

function sectionHtml(doc: ReportDoc, s: Section): string {
  const out = [`<section id="${esc(s.id)}"><h2>${esc(s.title)}</h2>`];
  if (s.rows.length === 0) out.push(`<p class="empty">${esc(s.empty ?? doc.nothing)}</p>`);
  else if (s.layout === 'figures') {
    const row = s.rows[0] ?? [];
    out.push(`<div class="figures">${s.columns.map((c, i) => `<div class="figure"><b>${esc(displayCell(doc.fmt, c, row, i))}</b>${esc(c.label)}</div>`).join('')}</div>`);
  } else {
    if (s.chart) out.push(barChart(doc, s));
    const head = s.columns.map((c) => `<th${isNumeric(c) ? ' class="n"' : ''}>${esc(c.label)}</th>`).join('');
    const body = s.rows.map((r) => `<tr>${s.columns.map((c, i) => `<td${isNumeric(c) ? ' class="n"' : ''}>${esc(displayCell(doc.fmt, c, r, i))}</td>`).join('')}</tr>`).join('\n');
    out.push(`<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`);
  }
  if (s.note) out.push(`<p class="note">${esc(s.note)}</p>`);
  out.push('</section>');
  return out.join('\n');
}

function barChart(doc: ReportDoc, s: Section): string {
  const { label, value } = s.chart!;
  const values = s.rows.map((r) => Number(r[value]) || 0);
  const max = Math.max(1, ...values);
  const width = 720;
  const height = 220;
  const slot = width / values.length;
  const bars = values.map((v, i) => {
    const h = Math.round((v / max) * (height - 40));
    const x = Math.round(i * slot + slot * 0.15);
    const w = Math.round(slot * 0.7);
    return (
      `<rect x="${x}" y="${height - 20 - h}" width="${w}" height="${h}" fill="#38bdf8"><title>${esc(chartLabel(doc.fmt, s.rows[i]?.[label] ?? ''))}: ${doc.fmt.count(v)}</title></rect>` +
      `<text x="${x + w / 2}" y="${height - 24 - h}" text-anchor="middle" font-size="11">${doc.fmt.count(v)}</text>` +
      `<text x="${x + w / 2}" y="${height - 5}" text-anchor="middle" font-size="11">${esc(chartLabel(doc.fmt, s.rows[i]?.[label] ?? ''))}</text>`
    );
  });
  return `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(s.title)}" xmlns="http://www.w3.org/2000/svg">${bars.join('')}</svg>`;
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
