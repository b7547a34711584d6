import { spawn, type ChildProcess } from 'node:child_process';

const STDERR_TAIL = 4096;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last few KB of stderr: what ffmpeg said before it stopped. */
  stderr: string;
}

/** A long-running ffmpeg (or any) process, stopped gently so it can finish its file. */
export class Child {
  readonly #child: ChildProcess;
  readonly exited: Promise<Exit>;
  #stderr = '';

  constructor(command: string, args: readonly string[]) {
    this.#child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.#child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-STDERR_TAIL);
    });
    this.exited = new Promise((resolve) => {
      this.#child.once('error', (error) => resolve({ code: null, signal: null, stderr: `${this.#stderr}\n${error.message}` }));
      this.#child.once('close', (code, signal) => resolve({ code, signal, stderr: this.#stderr }));
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** SIGINT (ffmpeg then writes its trailer), SIGKILL after `graceMs`. Safe to call twice. */
  async stop(graceMs = 10_000): Promise<Exit> {
    if (this.running) {
      this.#child.kill('SIGINT');
      const kill = setTimeout(() => this.#child.kill('SIGKILL'), graceMs);
      const exit = await this.exited;
      clearTimeout(kill);
      return exit;
    }
    return this.exited;
  }

  /** Resolves true when the process exits within `ms`. */
  async exitsWithin(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    const exited = await Promise.race([this.exited.then(() => true), timeout]);
    clearTimeout(timer);
    return exited;
  }
}

/** Runs a command to its end; rejects with its stderr unless it exits 0. */
export function run(command: string, args: readonly string[], timeoutMs = 600_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-STDERR_TAIL)));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} exited with ${code ?? signal}: ${stderr.trim()}`));
    });
  });
}
