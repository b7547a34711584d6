import PDFDocument from 'pdfkit';
import type { Fonts } from '../fonts';

export type FontName = 'regular' | 'bold';

/**
 * Wraps text to a width in pixels with the real advances of the font ffmpeg draws with. pdfkit
 * already carries a TrueType engine (fontkit); a page-less document is used only to measure, so
 * slides wrap exactly where the glyphs end without another dependency.
 */
export class TextLayout {
  readonly #doc: PDFKit.PDFDocument;

  constructor(fonts: Fonts) {
    this.#doc = new PDFDocument({ autoFirstPage: false });
    this.#doc.registerFont('regular', fonts.regular);
    this.#doc.registerFont('bold', fonts.bold);
  }

  width(text: string, font: FontName, size: number): number {
    return this.#doc.font(font).fontSize(size).widthOfString(text);
  }

  /**
   * Lines of at most `maxWidth` pixels, at most `maxLines` of them; what does not fit ends in "…".
   * Words longer than a line (URLs) are cut by character.
   */
  wrap(text: string, font: FontName, size: number, maxWidth: number, maxLines: number): string[] {
    const lines: string[] = [];
    for (const paragraph of text.split('\n')) {
      let line = '';
      for (const word of paragraph.split(/\s+/).filter(Boolean)) {
        const candidate = line ? `${line} ${word}` : word;
        if (this.width(candidate, font, size) <= maxWidth) {
          line = candidate;
          continue;
        }
        if (line) lines.push(line);
        line = word;
        while (this.width(line, font, size) > maxWidth) {
          const cut = this.#fit(line, font, size, maxWidth);
          lines.push(line.slice(0, cut));
          line = line.slice(cut);
        }
      }
      if (line) lines.push(line);
      if (lines.length > maxLines) break;
    }
    if (lines.length <= maxLines) return lines;
    const kept = lines.slice(0, maxLines);
    kept[maxLines - 1] = this.ellipsis(kept[maxLines - 1] ?? '', font, size, maxWidth);
    return kept;
  }

  /** `text` shortened to fit `maxWidth` with a trailing "…" (always added). */
  ellipsis(text: string, font: FontName, size: number, maxWidth: number): string {
    let cut = text.length;
    while (cut > 0 && this.width(`${text.slice(0, cut)}…`, font, size) > maxWidth) cut--;
    return `${text.slice(0, cut).trimEnd()}…`;
  }

  /** How many leading characters fit (at least one, so wrapping always advances). */
  #fit(text: string, font: FontName, size: number, maxWidth: number): number {
    let lo = 1;
    let hi = text.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (this.width(text.slice(0, mid), font, size) <= maxWidth) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
