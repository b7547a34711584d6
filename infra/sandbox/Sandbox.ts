import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { bwrapArgs, WORK_DIR } from './bwrapArgs';
import { cgroupsAvailable, RunCgroup } from './Cgroup';
import { LANGUAGES, type LanguageName } from './languages';
import { DEFAULT_LIMITS, prlimitArgs } from './limits';
import { OutputCapture } from './OutputCapture';
import type { ErrorInfo, ExecutionStatus, KillCause, OutputStream, SandboxLimits, SandboxRun } from './types';

const BWRAP = '/usr/bin/bwrap';
const PRLIMIT = '/usr/bin/prlimit';
const SETPRIV = '/usr/bin/setpriv';
const SH = '/bin/sh';
/** Joins the run's cgroups (its own pid, before anything of the run exists), then becomes the rest. */
const JOIN_THEN_EXEC = 'while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; shift; exec "$@"';
/** Exit status the shell uses when joining a cgroup failed: the run never started. */
const JOIN_FAILED = 125;
/** Kept bytes times this are drained before a flood of output is cut by killing the run. */
const DRAIN_FACTOR = 4;

export interface SandboxSettings {
  limits: SandboxLimits;
  /**
   * Host uids of the runs start here: one uid per run at a time, so RLIMIT_NPROC (counted per
   * uid) is per run, and 256 uids per node process (by pid), so two nodes on one machine do not
   * share a fork bomb's count.
   */
  uidBase: number;
}

export interface RunRequest {
  language: LanguageName;
  code: string;
  tests?: string | null;
  /** Overrides of the sandbox's limits for this run (tests and benches use shorter timeouts). */
  limits?: Partial<SandboxLimits>;
  onOutput?(stream: OutputStream, chunk: string): void;
  /** Aborting kills the run (status KILLED). */
  signal?: AbortSignal;
}

export interface RunReport extends SandboxRun {
  /** From the run's start until its sandbox process was running (cgroups made, shell exec'd). */
  startMs: number;
}

/** The last start-up self-test's failure in this process (a real run that did not work). */
let selfTestFailure: string | undefined;

/** Records how the start-up self-test went, so /ready reports a sandbox that is installed but broken. */
export function recordSelfTest(failure: string | undefined): void {
  selfTestFailure = failure;
}

/**
 * Why this machine cannot sandbox code, or undefined when it can: what is missing (checked
 * without running anything), or the self-test's failure once the code-exec actor ran it.
 */
export function sandboxUnavailable(): string | undefined {
  if (selfTestFailure) return selfTestFailure;
  for (const [bin, pkg] of [
    [BWRAP, 'bubblewrap'],
    [PRLIMIT, 'util-linux'],
    [SETPRIV, 'util-linux'],
  ] as const) {
    if (!existsSync(bin)) return `${bin} is missing (apt-get install ${pkg})`;
  }
  if (process.getuid?.() !== 0) return 'the node must run as root to start sandboxes as an unprivileged uid under cgroup limits';
  return cgroupsAvailable();
}

/**
 * Runs untrusted code: bubblewrap namespaces (user, pid, net, ipc, uts) with only the
 * interpreter's files bound read-only, as an unprivileged host uid (setpriv), under prlimit
 * limits and a cgroup v1 memory/pids/cpuacct group, killed as a whole at the wall-clock limit.
 */
export class Sandbox {
  readonly #free: number[] = [];
  #nextSlot = 0;
  #runs = 0;

  constructor(readonly settings: SandboxSettings = { limits: DEFAULT_LIMITS, uidBase: 61000 }) {}

  async run(request: RunRequest): Promise<RunReport> {
    const spec = LANGUAGES[request.language];
    const limits = { ...this.settings.limits, ...request.limits };
    const slot = this.#free.pop() ?? this.#nextSlot++;
    const uid = this.settings.uidBase + (process.pid % 4096) * 256 + (slot % 256);
    const started = performance.now();
    const cgroup = new RunCgroup(`run-${process.pid}-${++this.#runs}`, limits.memoryBytes, limits.processes);
    try {
      const tests = request.tests ?? null;
      const files = [request.code, ...(tests === null ? [] : [tests])];
      const names = [spec.codeFile, ...(tests === null ? [] : [spec.testFile])];
      const args = [
        '-c',
        JOIN_THEN_EXEC,
        'sh',
        ...cgroup.procsFiles(),
        '--',
        PRLIMIT,
        ...prlimitArgs(limits),
        '--',
        SETPRIV,
        `--reuid=${uid}`,
        `--regid=${uid}`,
        '--clear-groups',
        '--no-new-privs',
        '--',
        BWRAP,
        ...bwrapArgs(spec, limits.fileSizeBytes * 2),
        // The files arrive on fds 3, 4: nothing of the run is ever written on the host.
        ...names.flatMap((name, i) => ['--file', String(3 + i), `${WORK_DIR}/${name}`]),
        '--',
        ...spec.command(tests !== null),
      ];
      // cwd /: the shell exports PWD, and bwrap's pid 1 (readable as /proc/1/environ inside) keeps it.
      const child = spawn(SH, args, { env: {}, cwd: '/', stdio: ['ignore', 'pipe', 'pipe', ...files.map(() => 'pipe' as const)] });
      let startMs = 0;
      child.once('spawn', () => {
        startMs = performance.now() - started;
      });
      files.forEach((content, i) => {
        const pipe = child.stdio[3 + i] as Writable;
        // A sandbox that dies before reading its files closes the pipe: its exit says why.
        pipe.on('error', () => undefined);
        pipe.end(content);
      });
      const out = new OutputCapture('stdout', limits.outputBytes, limits.outputBytes * DRAIN_FACTOR, request.onOutput);
      const err = new OutputCapture('stderr', limits.outputBytes, limits.outputBytes * DRAIN_FACTOR, request.onOutput);
      let killedBy: KillCause | null = null;
      const kill = (cause: KillCause) => {
        killedBy ??= cause;
        child.kill('SIGKILL');
        cgroup.killAll();
      };
      child.stdout!.on('data', (d: Buffer) => out.push(d) || kill('output'));
      child.stderr!.on('data', (d: Buffer) => err.push(d) || kill('output'));
      const timer = setTimeout(() => kill('timeout'), limits.wallMs);
      const onAbort = () => kill('aborted');
      request.signal?.addEventListener('abort', onAbort, { once: true });
      const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
        child.once('error', reject);
        child.once('close', (code, signal) => resolve({ code, signal }));
      }).finally(() => {
        clearTimeout(timer);
        request.signal?.removeEventListener('abort', onAbort);
      });
      // Whatever the sandbox left (nothing: its pid namespace died with it) goes too.
      cgroup.killAll();
      if (exit.code === JOIN_FAILED) throw new Error('the sandbox could not join its cgroups');
      const stdout = out.finish();
      const stderr = err.finish();
      // bwrap exits 128 + n when the program died of signal n.
      const signalNo = exit.code !== null && exit.code > 128 ? exit.code - 128 : null;
      const oom = cgroup.oomKilled() || spec.outOfMemory.test(stderr);
      if (signalNo === 24) killedBy ??= 'cpu';
      if (oom && killedBy === null) killedBy = 'memory';
      const counts = tests === null ? null : spec.parseTests(stdout, stderr);
      let status = outcome(killedBy, exit.code, signalNo, oom);
      // A kata whose tests fail exits 1 after its summary: the run itself completed.
      if (status === 'ERROR' && counts !== null && signalNo === null) status = 'COMPLETED';
      const error = status === 'COMPLETED' ? null : describe(status, exit.code, signalNo, spec.parseError(stderr, stdout, request.code), limits);
      return {
        status,
        exitCode: exit.code,
        signal: exit.signal ?? (signalNo ? `signal ${signalNo}` : null),
        stdout,
        stderr,
        wallMs: Math.round(performance.now() - started),
        cpuMs: cgroup.cpuMs(),
        memoryBytes: cgroup.peakMemoryBytes(),
        killedBy,
        error,
        tests: counts,
        startMs,
      };
    } finally {
      await cgroup.remove();
      this.#free.push(slot);
    }
  }
}

function outcome(killedBy: KillCause | null, code: number | null, signalNo: number | null, oom: boolean): ExecutionStatus {
  if (killedBy === 'timeout' || killedBy === 'cpu') return 'TIMEOUT';
  if (killedBy === 'output') return 'OUTPUT_LIMIT';
  if (killedBy === 'aborted') return 'KILLED';
  if (oom) return 'MEMORY_LIMIT';
  return code === 0 && signalNo === null ? 'COMPLETED' : 'ERROR';
}

/** The error a client reads: the language's own when it printed one, else what the sandbox did. */
function describe(status: ExecutionStatus, code: number | null, signalNo: number | null, parsed: ErrorInfo | null, limits: SandboxLimits): ErrorInfo | null {
  const own = (message: string): ErrorInfo => ({ message, line: null, column: null, stackTrace: null });
  switch (status) {
    case 'TIMEOUT':
      return own(`Time limit exceeded (${limits.wallMs} ms wall clock, ${limits.cpuSeconds} s CPU)`);
    case 'OUTPUT_LIMIT':
      return own(`Output limit exceeded (${limits.outputBytes} bytes kept per stream)`);
    case 'MEMORY_LIMIT':
      return parsed ?? own(`Memory limit exceeded (${limits.memoryBytes} bytes)`);
    case 'KILLED':
      return own('The run was stopped');
    default:
      if (parsed) return parsed;
      if (signalNo === 25) return own(`File size limit exceeded (${limits.fileSizeBytes} bytes)`);
      if (signalNo !== null) return own(`The program was killed by signal ${signalNo}`);
      return own(`The program exited with code ${code}`);
  }
}
