/** Where the CLI's progress goes: the terminal (stderr) or anything with write(). */
export interface Writer {
  write(text: string): unknown;
  isTTY?: boolean;
}

const WIDTH = 30;

/**
 * A one-line progress bar redrawn in place on a terminal; elsewhere (CI logs, pipes) a plain line
 * at each 10% step, so logs stay readable.
 */
export class ProgressBar {
  #lastStep = -1;
  #drawn = false;

  constructor(readonly out: Writer) {}

  update(done: number, total: number, label: string): void {
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const percent = Math.floor(fraction * 100);
    const bar = `${'#'.repeat(Math.round(fraction * WIDTH)).padEnd(WIDTH, '-')}`;
    if (this.out.isTTY) {
      this.out.write(`\r[${bar}] ${String(percent).padStart(3)}% ${label}\x1b[K`);
      this.#drawn = true;
      return;
    }
    const step = Math.floor(percent / 10);
    if (step === this.#lastStep) return;
    this.#lastStep = step;
    this.out.write(`[${bar}] ${String(percent).padStart(3)}% ${label}\n`);
  }

  /** Ends the bar's line so what follows starts on a fresh one. */
  done(): void {
    if (this.#drawn) this.out.write('\n');
    this.#drawn = false;
    this.#lastStep = -1;
  }
}
