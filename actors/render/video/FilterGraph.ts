import type { Fonts } from '../fonts';
import { HEIGHT, WIDTH, type Slide } from './Slides';

export const FPS = 25;
export const THUMB_WIDTH = 640;

/** An ffmpeg filter script and the text files its drawtext filters read, by file name. */
export interface FilterGraph {
  script: string;
  files: Map<string, string>;
  durationSeconds: number;
}

/**
 * One filter graph for the whole video, so it is encoded in a single pass: each slide is drawn
 * once (a one-frame color source with its drawtext filters) and repeated by `loop` for its
 * duration, the slides are concatenated, silence fills the AAC track, and the intro is drawn a
 * second time at thumbnail size. Text goes through `textfile` with expansion off, so nothing a
 * user typed is ever parsed as filter syntax; the files are named relative to ffmpeg's working
 * directory, so no path needs escaping either.
 */
export function buildFilterGraph(slides: readonly Slide[], slideSeconds: number, fonts: Fonts): FilterGraph {
  const files = new Map<string, string>();
  const framesOf = (slide: Slide) => Math.max(1, Math.round((slide.seconds ?? slideSeconds) * FPS));
  const draw = (slide: Slide, s: number, rate: number) => {
    const parts = [`color=c=${slide.background}:s=${WIDTH}x${HEIGHT}:r=${rate}:d=${1 / rate}`, `drawbox=x=0:y=0:w=${WIDTH}:h=10:color=${slide.accent}:t=fill`];
    slide.texts.forEach((block, b) => {
      const file = `s${s}_${b}.txt`;
      files.set(file, block.lines.join('\n'));
      parts.push(`drawtext=fontfile=${fonts[block.font]}:textfile=${file}:expansion=none:fontsize=${block.size}:fontcolor=${block.color}:x=${block.x}:y=${block.y}:line_spacing=${block.lineSpacing}`);
    });
    return parts;
  };
  const chains = slides.map((slide, s) => `${[...draw(slide, s, FPS), `loop=loop=${framesOf(slide) - 1}:size=1:start=0`, `setpts=N/${FPS}/TB`].join(',')}[s${s}]`);
  const durationSeconds = slides.reduce((sum, slide) => sum + framesOf(slide), 0) / FPS;
  const intro = slides[0];
  if (!intro) throw new Error('a video needs at least one slide');
  const script = [
    ...chains,
    `${slides.map((_, s) => `[s${s}]`).join('')}concat=n=${slides.length}:v=1:a=0,format=yuv420p[v]`,
    `anullsrc=r=48000:cl=stereo,atrim=duration=${durationSeconds}[a]`,
    `${[...draw(intro, 0, 1), `scale=${THUMB_WIDTH}:-2`].join(',')}[thumb]`,
  ].join(';\n');
  return { script, files, durationSeconds };
}
