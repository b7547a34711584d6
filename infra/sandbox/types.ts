/** How a run ended (ExecutionResult.status; protocol/codeExec.ts declares the same list for clients). */
export type ExecutionStatus = 'COMPLETED' | 'ERROR' | 'TIMEOUT' | 'MEMORY_LIMIT' | 'OUTPUT_LIMIT' | 'KILLED' | 'SANDBOX_UNAVAILABLE';

/** Why the sandbox killed a run (metrics label `cause`). */
export type KillCause = 'timeout' | 'cpu' | 'memory' | 'output' | 'aborted';

export interface ErrorInfo {
  message: string;
  line: number | null;
  column: number | null;
  stackTrace: string | null;
}

export interface TestCounts {
  passed: number;
  failed: number;
  total: number;
}

/** Resource limits of one run. */
export interface SandboxLimits {
  /** Wall clock: the whole process tree is killed past it. */
  wallMs: number;
  /** RLIMIT_CPU (SIGXCPU, then SIGKILL a second later). */
  cpuSeconds: number;
  /** cgroup memory.limit_in_bytes (RSS + page cache + swap of the whole tree). */
  memoryBytes: number;
  /** RLIMIT_AS per process: an allocation past it fails at once instead of paging. */
  addressSpaceBytes: number;
  /** RLIMIT_NPROC of the run's uid (threads count) and the cgroup's pids.max. */
  processes: number;
  /** RLIMIT_FSIZE: a write past it fails (EFBIG) or kills (SIGXFSZ). */
  fileSizeBytes: number;
  /** RLIMIT_NOFILE. */
  openFiles: number;
  /** Kept per stream; the rest is cut with a marker. */
  outputBytes: number;
}

export type OutputStream = 'stdout' | 'stderr';

/** What the sandbox saw of a run, before the language reads it. */
export interface SandboxRun {
  status: ExecutionStatus;
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  cpuMs: number | null;
  memoryBytes: number | null;
  killedBy: KillCause | null;
  error: ErrorInfo | null;
  tests: TestCounts | null;
}
