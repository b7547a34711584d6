import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { LoadCounts, LoadPlan } from './plan';

type Report = { type: 'started' | 'counts'; counts: LoadCounts } | { type: 'failed'; error: string };

/** The parent's handle on the load process (load.ts): one question at a time, answered with its counts. */
export class LoadHost {
  #waiting: { resolve(counts: LoadCounts): void; reject(error: Error): void } | undefined;

  private constructor(readonly child: ChildProcess) {
    child.on('message', (report: Report) => {
      const waiting = this.#waiting;
      this.#waiting = undefined;
      if (report.type === 'failed') waiting?.reject(new Error(`soak load failed: ${report.error}`));
      else waiting?.resolve(report.counts);
    });
    child.once('exit', (code) => this.#waiting?.reject(new Error(`soak load process exited (${code})`)));
  }

  /** Forks the load process and has it seed POCs, open every socket and start the traffic. */
  static async start(plan: LoadPlan): Promise<LoadHost> {
    const child = fork(path.join(__dirname, 'load.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const host = new LoadHost(child);
    await host.#ask({ type: 'start', plan });
    return host;
  }

  counts(): Promise<LoadCounts> {
    return this.#ask({ type: 'stats' });
  }

  /** Stops the traffic, waits for what is in flight and returns the final counts. */
  stop(): Promise<LoadCounts> {
    return this.#ask({ type: 'stop' });
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }

  #ask(message: object): Promise<LoadCounts> {
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
      this.child.send(message);
    });
  }
}
