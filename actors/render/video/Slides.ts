import type { FontName, TextLayout } from './TextLayout';
import { Formatter } from '../locale/format';
import { DEFAULT_LOCALE, type TenantLocale } from '../locale/settings';
import { TEXTS, type Texts } from '../locale/texts';
import type { VideoFigures, VideoPoc } from './VideoData';

export const WIDTH = 1280;
export const HEIGHT = 720;
const LEFT = 90;
const TEXT_WIDTH = WIDTH - 2 * LEFT;

/** One run of text on a slide, already wrapped: drawn by one drawtext. */
export interface TextBlock {
  lines: string[];
  font: FontName;
  size: number;
  color: string;
  x: number;
  y: number;
  lineSpacing: number;
}

export interface Slide {
  background: string;
  accent: string;
  texts: TextBlock[];
  /** How long it shows; the renderer's slide length when absent. */
  seconds?: number;
}

/** A video's choices that change its slides. */
export interface SlideChoices {
  /** Shown big on the first slide instead of the year. */
  title?: string;
  /** Each POC slide's length. */
  secondsPerPoc?: number;
}

const WHITE = 'white';
const MUTED = '0x94a3b8';
const ACCENT = '0x38bdf8';

// Text drawn on a slide: no control characters (drawtext shows them as boxes), one line each.
function clean(text: string): string {
  return text.replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, ' ').trim();
}

/** Lays blocks out top to bottom from `y`, each below the previous. */
class Column {
  readonly texts: TextBlock[] = [];

  constructor(
    readonly layout: TextLayout,
    public y: number,
  ) {}

  add(text: string, font: FontName, size: number, color: string, maxLines: number, gapAfter = 18): this {
    const lines = this.layout.wrap(clean(text), font, size, TEXT_WIDTH, maxLines);
    if (lines.length === 0) return this;
    const lineSpacing = Math.round(size * 0.3);
    this.texts.push({ lines, font, size, color, x: LEFT, y: this.y, lineSpacing });
    this.y += lines.length * (size + lineSpacing) + gapAfter;
    return this;
  }
}

/** The slides of a yearly video in the tenant's language: an intro, one per POC, an outro. No POCs: a short two-slide video. */
export function composeSlides(f: VideoFigures, layout: TextLayout, locale: TenantLocale = DEFAULT_LOCALE, choices: SlideChoices = {}): Slide[] {
  const t = TEXTS[locale.locale].video;
  const fmt = new Formatter(locale);
  const pocs = (n: number) => t.pocs(fmt.count(n), n);
  const languages = (n: number) => t.languages(fmt.count(n), n);
  const name = `${f.firstName} ${f.lastName}`;
  const slide = (texts: TextBlock[], background = '0x0f172a'): Slide => ({ background, accent: ACCENT, texts });
  const intro = choices.title
    ? new Column(layout, 120).add(choices.title, 'bold', 72, ACCENT, 2, 24).add(name, 'bold', 56, WHITE, 2)
    : new Column(layout, 120).add(String(f.year), 'bold', 120, ACCENT, 1, 24).add(name, 'bold', 56, WHITE, 2);
  if (f.total === 0) {
    intro.add(t.noPocs, 'regular', 40, WHITE, 1).add(`@${f.username} · ${f.tenantName}`, 'regular', 26, MUTED, 1);
    const outro = new Column(layout, 220).add(t.maybeNext(f.year + 1), 'bold', 56, WHITE, 2).add(t.seeYou, 'regular', 36, MUTED, 1);
    return [slide(intro.texts, '0x1e293b'), slide(outro.texts, '0x1e293b')];
  }
  intro.add(`${pocs(f.total)} · ${languages(f.languages.length)}`, 'regular', 40, WHITE, 2).add(`@${f.username} · ${f.tenantName}`, 'regular', 26, MUTED, 1);
  const slides = [slide(intro.texts, '0x1e293b')];
  f.pocs.forEach((poc, i) => slides.push({ ...slide(pocSlide(poc, i, f.total, layout, t, fmt)), seconds: choices.secondsPerPoc }));
  const top = f.languages[0];
  const hidden = f.total - f.pocs.length;
  const outro = new Column(layout, 140)
    .add(t.thatWas(f.year), 'bold', 72, WHITE, 1, 30)
    .add(t.inLanguages(pocs(f.total), languages(f.languages.length)), 'regular', 40, WHITE, 2)
    .add(top ? t.mostUsed(top.name, pocs(top.count)) : '', 'regular', 32, MUTED, 2)
    .add(f.tags.length ? t.topTags(f.tags.map((tag) => tag.name).join(', ')) : '', 'regular', 32, MUTED, 2)
    .add(hidden > 0 ? t.notShown(fmt.count(hidden), hidden) : '', 'regular', 26, MUTED, 1)
    .add(t.keepBuilding(f.firstName), 'bold', 44, ACCENT, 1);
  slides.push(slide(outro.texts, '0x1e293b'));
  return slides;
}

function pocSlide(poc: VideoPoc, index: number, total: number, layout: TextLayout, t: Texts['video'], fmt: Formatter): TextBlock[] {
  const column = new Column(layout, 60)
    .add(t.pocOf(fmt.count(index + 1), fmt.count(total), fmt.date(poc.created)), 'regular', 26, MUTED, 1, 22)
    .add(poc.name, 'bold', 54, WHITE, 2, 26)
    .add(t.language(poc.language), 'regular', 30, ACCENT, 1, 10);
  if (poc.tags.length) column.add(t.tags(poc.tags.join(', ')), 'regular', 28, WHITE, 2, 10);
  if (poc.frameworks.length) column.add(t.frameworks(poc.frameworks.join(', ')), 'regular', 28, WHITE, 2, 10);
  column.y += 14;
  // The description gets the lines left above the repository link.
  const repoY = HEIGHT - 90;
  const room = Math.floor((repoY - 20 - column.y) / (26 + 8));
  if (poc.description.trim() && room > 0) column.add(poc.description, 'regular', 26, '0xe2e8f0', Math.min(room, 6));
  column.y = repoY;
  column.add(poc.repoUrl, 'regular', 26, ACCENT, 1);
  return column.texts;
}
