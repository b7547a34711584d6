import { Counter, Gauge, Histogram, metric } from '../../infra/metrics';

const counter = (name: string, help: string, labelNames: string[]) => metric(name, (registers) => new Counter({ name, help, labelNames, registers }));
const histogram = (name: string, help: string, labelNames: string[], buckets: number[]) => metric(name, (registers) => new Histogram({ name, help, labelNames, buckets, registers }));

type Sources = { waiting(): number; running(): number };
// Read at scrape time; the latest service of the process serves (tests restart nodes in one process).
let current: Sources = { waiting: () => 0, running: () => 0 };

/**
 * Code execution metrics (GET /metrics). The job kit adds `pocdojo_code_exec_jobs_total`,
 * `_seconds` and `_queue_depth` (the durable queue); these say what the sandbox did.
 */
export class CodeExecMetrics {
  readonly #runs = counter('pocdojo_code_exec_runs_total', 'Finished runs by language and outcome (ExecutionResult.status)', ['language', 'status']);
  readonly #kills = counter('pocdojo_code_exec_kills_total', 'Runs the sandbox killed, by cause (timeout, cpu, memory, output, aborted)', ['cause']);
  readonly #duration = histogram('pocdojo_code_exec_run_seconds', 'Wall time of a run in its sandbox', ['language'], [0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30]);
  readonly #start = histogram('pocdojo_code_exec_sandbox_start_seconds', 'From a run leaving the queue to its sandbox process running', [], [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1]);
  readonly #wait = histogram('pocdojo_code_exec_wait_seconds', "From a run's request to its sandbox slot (queue + fair scheduling)", [], [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30]);

  constructor(sources: Sources) {
    current = sources;
    metric(
      'pocdojo_code_exec_waiting',
      (registers) =>
        new Gauge({
          name: 'pocdojo_code_exec_waiting',
          help: 'Runs this node took off the queue that wait for a sandbox slot, and runs in a sandbox',
          labelNames: ['state'],
          registers,
          collect() {
            this.set({ state: 'waiting' }, current.waiting());
            this.set({ state: 'running' }, current.running());
          },
        }),
    );
  }

  ran(language: string, status: string, seconds: number, killedBy: string | null): void {
    this.#runs.inc({ language, status });
    this.#duration.observe({ language }, seconds);
    if (killedBy) this.#kills.inc({ cause: killedBy });
  }

  started(seconds: number, waitedSeconds: number): void {
    this.#start.observe(seconds);
    this.#wait.observe(waitedSeconds);
  }
}
