import ExcelJS from 'exceljs';
import type { Formatter } from '../locale/format';
import { currencyOf, rowBatches, type Cell, type Column, type ReportDoc } from './ReportDoc';

const DAY_MS = 86_400_000;

/**
 * A report as an XLSX workbook through exceljs's streaming writer: one sheet per section, a bold
 * frozen header row, cells typed by their column (numbers, money with the currency's symbol,
 * dates as Excel dates on the tenant's calendar). Each row is committed as it is written, so the
 * rows of a long listing go to the file instead of piling up in memory.
 */
export async function writeXlsx(doc: ReportDoc, filename: string): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename, useStyles: true, useSharedStrings: false });
  workbook.creator = 'pocdojo';
  workbook.title = doc.title;
  const names = new Set<string>();
  const dateFormat = doc.language === 'pt-BR' ? 'dd/mm/yyyy' : 'yyyy-mm-dd';
  for (const section of doc.sections) {
    const sheet = workbook.addWorksheet(sheetName(section.title || section.id, names), { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = section.columns.map((c) => ({ key: c.key, width: Math.min(40, Math.max(12, c.label.length + 2)), style: { numFmt: numFmt(doc.fmt, c, dateFormat) } }));
    const header = sheet.addRow(section.columns.map((c) => c.label));
    header.font = { bold: true };
    header.commit();
    for await (const batch of rowBatches(section)) {
      for (const cells of batch) {
        const row = sheet.addRow(section.columns.map((c, i) => value(doc.fmt, c, cells[i])));
        section.columns.forEach((c, i) => {
          // A per-row currency (payments in several) gets its own format on the cell.
          if (c.type === 'money' && typeof c.currency === 'object') row.getCell(i + 1).numFmt = moneyFormat(doc.fmt, currencyOf(c, cells));
        });
        row.commit();
      }
    }
    sheet.commit();
  }
  await workbook.commit();
}

function value(fmt: Formatter, column: Column, cell: Cell | undefined): ExcelJS.CellValue {
  if (cell === undefined || cell === '') return null;
  if (column.type === 'date') return excelDay(cell instanceof Date ? fmt.isoDate(cell) : String(cell));
  if (column.type === 'month' && typeof cell === 'string') return excelDay(`${cell}-01`);
  return cell;
}

/** A calendar day as the Date exceljs stores for it (it counts days in UTC). */
function excelDay(isoDate: string): Date {
  return new Date(Math.floor(Date.parse(`${isoDate.slice(0, 10)}T00:00:00Z`) / DAY_MS) * DAY_MS);
}

function numFmt(fmt: Formatter, column: Column, dateFormat: string): string | undefined {
  switch (column.type) {
    case 'count':
      return '#,##0';
    case 'percent':
      return '0.0%';
    case 'money':
      return moneyFormat(fmt, typeof column.currency === 'string' ? column.currency : undefined);
    case 'date':
      return dateFormat;
    case 'month':
      return 'mmm yyyy';
    default:
      return undefined;
  }
}

/** `"R$" #,##0.00`: Excel shows the separators of the reader's own settings, with the currency's symbol. */
function moneyFormat(fmt: Formatter, currency: string | undefined): string {
  const symbol = fmt.currencySymbol(currency);
  return `"${symbol.replace(/"/g, '')}" #,##0.00`;
}

/** Excel's sheet names: at most 31 characters, none of []:*?/\, unique in the workbook. */
function sheetName(title: string, used: Set<string>): string {
  const base =
    title
      .replace(/[[\]:*?/\\]/g, ' ')
      .trim()
      .slice(0, 31) || 'Sheet';
  let name = base;
  for (let i = 2; used.has(name.toLowerCase()); i++) name = `${base.slice(0, 31 - String(i).length - 1)} ${i}`;
  used.add(name.toLowerCase());
  return name;
}
