import PDFDocument from 'pdfkit';
import type { Fonts } from '../fonts';
import { chartLabel, displayCell, isNumeric, type ReportDoc, type Section } from './ReportDoc';

const MARGIN = 50;
const ACCENT = '#0284c7';
const MUTED = '#475569';
const RULE = '#cbd5e1';

/**
 * A PDF through pdfkit: title, label/value figure boxes, a bar chart drawn from the data and
 * tables (pdfkit's own, which break across pages), page numbers in the footer. Fonts are
 * embedded (DejaVu subsets), so any name in the data prints as typed. An optional CSV of the
 * same figures is attached to the file.
 */
export function toPdf(doc: ReportDoc, fonts: Fonts, attachment?: { name: string; csv: Buffer }): Promise<Buffer> {
  const pdf = new PDFDocument({ size: 'A4', margin: MARGIN, bufferPages: true, info: { Title: `${doc.title} - ${doc.subtitle}`, Author: 'pocdojo', Creator: 'pocdojo render' } });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  pdf.registerFont('regular', fonts.regular);
  pdf.registerFont('bold', fonts.bold);
  pdf.font('bold').fontSize(22).fillColor('black').text(doc.title);
  pdf.font('regular').fontSize(11).fillColor(MUTED).text(`${doc.subtitle} · ${doc.generated}`);
  for (const section of doc.sections) drawSection(pdf, doc, section);
  footer(pdf);
  // The same figures as CSV inside the PDF (like e-invoices carry their XML): a reader sees the
  // pages, a program reads the numbers without scraping them off a page.
  if (attachment) pdf.file(attachment.csv, { name: attachment.name, type: 'text/csv', description: 'The figures of this report (RFC 4180 CSV)' });
  pdf.end();
  return done;
}

function drawSection(pdf: PDFKit.PDFDocument, doc: ReportDoc, s: Section): void {
  room(pdf, s.rows.length === 0 ? 60 : s.chart ? 260 : 110);
  pdf.moveDown(1.2);
  pdf.font('bold').fontSize(14).fillColor('black').text(s.title, MARGIN);
  const y = pdf.y + 2;
  pdf
    .moveTo(MARGIN, y)
    .lineTo(pdf.page.width - MARGIN, y)
    .lineWidth(1.5)
    .strokeColor(ACCENT)
    .stroke();
  pdf.y = y + 8;
  if (s.rows.length === 0) {
    pdf
      .font('regular')
      .fontSize(10)
      .fillColor(MUTED)
      .text(s.empty ?? doc.nothing, MARGIN);
  } else if (s.layout === 'figures') {
    figures(pdf, doc, s);
  } else {
    if (s.chart) chart(pdf, doc, s);
    table(pdf, doc, s);
  }
  if (s.note) pdf.moveDown(0.4).font('regular').fontSize(9).fillColor(MUTED).text(s.note, MARGIN);
}

function figures(pdf: PDFKit.PDFDocument, doc: ReportDoc, s: Section): void {
  const row = s.rows[0] ?? [];
  const perLine = 4;
  const gap = 10;
  const width = (pdf.page.width - 2 * MARGIN - gap * (perLine - 1)) / perLine;
  const height = 52;
  const top = pdf.y;
  s.columns.forEach((column, i) => {
    const x = MARGIN + (i % perLine) * (width + gap);
    const y = top + Math.floor(i / perLine) * (height + gap);
    pdf.roundedRect(x, y, width, height, 6).fillColor('#f1f5f9').fill();
    pdf
      .font('bold')
      .fontSize(16)
      .fillColor('black')
      .text(displayCell(doc.fmt, column, row, i), x + 8, y + 8, { width: width - 16, lineBreak: false, ellipsis: true });
    pdf
      .font('regular')
      .fontSize(9)
      .fillColor(MUTED)
      .text(column.label, x + 8, y + 32, { width: width - 16, lineBreak: false, ellipsis: true });
  });
  pdf.x = MARGIN;
  pdf.y = top + Math.ceil(s.columns.length / perLine) * (height + gap);
}

function chart(pdf: PDFKit.PDFDocument, doc: ReportDoc, s: Section): void {
  const { label, value } = s.chart!;
  const values = s.rows.map((r) => Number(r[value]) || 0);
  const max = Math.max(1, ...values);
  const width = pdf.page.width - 2 * MARGIN;
  const height = 150;
  const top = pdf.y + 6;
  const base = top + height;
  const slot = width / values.length;
  pdf
    .moveTo(MARGIN, base)
    .lineTo(MARGIN + width, base)
    .lineWidth(0.5)
    .strokeColor(RULE)
    .stroke();
  values.forEach((v, i) => {
    const h = (v / max) * (height - 18);
    const x = MARGIN + i * slot + slot * 0.15;
    const w = slot * 0.7;
    if (h > 0)
      pdf
        .rect(x, base - h, w, h)
        .fillColor(ACCENT)
        .fill();
    pdf
      .font('regular')
      .fontSize(8)
      .fillColor('black')
      .text(doc.fmt.count(v), x - 6, base - h - 11, { width: w + 12, align: 'center', lineBreak: false });
    pdf.fillColor(MUTED).text(chartLabel(doc.fmt, s.rows[i]?.[label] ?? ''), x - 6, base + 3, { width: w + 12, align: 'center', lineBreak: false });
  });
  pdf.x = MARGIN;
  pdf.y = base + 20;
}

function table(pdf: PDFKit.PDFDocument, doc: ReportDoc, s: Section): void {
  const header = s.columns.map((c) => ({ text: c.label, font: { src: 'bold' }, backgroundColor: '#e2e8f0', align: { x: isNumeric(c) ? 'right' : 'left' } as const }));
  const rows = s.rows.map((r, ri) =>
    s.columns.map((c, i) => ({ text: displayCell(doc.fmt, c, r, i), align: { x: isNumeric(c) ? 'right' : 'left' } as const, backgroundColor: ri % 2 === 1 ? '#f8fafc' : undefined })),
  );
  pdf.font('regular').fontSize(9).fillColor('black');
  pdf.table({
    position: { x: MARGIN },
    columnStyles: s.columns.map((c) => (c.type === 'money' ? 90 : isNumeric(c) ? 70 : '*')),
    defaultStyle: { border: { bottom: 0.5 }, borderColor: RULE, padding: [3, 5] },
    data: [header, ...rows],
  });
  pdf.x = MARGIN;
}

/** Starts a new page unless `height` points are left, so a heading is never stranded at a page end. */
function room(pdf: PDFKit.PDFDocument, height: number): void {
  if (pdf.y + height > pdf.page.height - MARGIN) pdf.addPage();
}

function footer(pdf: PDFKit.PDFDocument): void {
  const range = pdf.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    pdf.switchToPage(i);
    // Inside the bottom margin: lower the margin for this write so pdfkit does not start a page.
    const bottom = pdf.page.margins.bottom;
    pdf.page.margins.bottom = 0;
    pdf
      .font('regular')
      .fontSize(8)
      .fillColor(MUTED)
      .text(`${i + 1} / ${range.count}`, MARGIN, pdf.page.height - 30, { width: pdf.page.width - 2 * MARGIN, align: 'right', lineBreak: false });
    pdf.page.margins.bottom = bottom;
  }
}
