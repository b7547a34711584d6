import { existsSync } from 'node:fs';
import { RenderError } from './errors';

/** Fonts of Debian's fonts-dejavu-core (installed with ffmpeg by .ci/run): nothing is downloaded. */
const DIR = '/usr/share/fonts/truetype/dejavu';
export const FONT_FILES = { regular: `${DIR}/DejaVuSans.ttf`, bold: `${DIR}/DejaVuSans-Bold.ttf` } as const;

export type Fonts = { readonly [K in keyof typeof FONT_FILES]: string };

let checked: Fonts | undefined;

/**
 * The TrueType fonts videos and PDFs are drawn with. DejaVu covers Latin, Greek and Cyrillic, so
 * users' names render as typed, which PDF's built-in Helvetica (WinAnsi only) cannot promise.
 */
export function resolveFonts(): Fonts {
  if (checked) return checked;
  for (const file of Object.values(FONT_FILES)) {
    if (!existsSync(file)) {
      throw new RenderError('Rendering is not available on this server', `font ${file} is missing: install Debian's fonts-dejavu-core (apt-get install fonts-dejavu-core)`, true);
    }
  }
  checked = FONT_FILES;
  return checked;
}
