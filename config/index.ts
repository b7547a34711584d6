import os from 'node:os';
import path from 'node:path';
import { Cron } from 'croner';
import { ConfigError, readers, type Env } from './readers';

export { ConfigError } from './readers';

/** Every actor a process can host; `SERVICES` picks a subset. */
export const ALL_SERVICES = ['gateway', 'tenant', 'poc', 'dojo-room', 'kata', 'render', 'media', 'jobs', 'code-exec'] as const;
export type ServiceName = (typeof ALL_SERVICES)[number];

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** The whole process configuration, built once at start-up and passed down. */
export interface Config {
  readonly port: number;
  readonly host: string;
  /**
   * The operations listener (/metrics, /health, /ready) every node serves; `port` undefined when
   * OPS_PORT=off. Loopback by default: metrics are for the operator's scraper, not the internet.
   */
  readonly ops: { readonly port: number | undefined; readonly host: string };
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly transporter: string | undefined;
  readonly redisUrl: string | undefined;
  readonly s3: {
    readonly endpoint: string | undefined;
    readonly bucket: string;
    readonly region: string;
    readonly accessKeyId: string | undefined;
    readonly secretAccessKey: string | undefined;
  };
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  readonly publicUrl: string;
  readonly services: readonly ServiceName[];
  /** Moleculer namespace: nodes see only nodes of the same namespace on a shared transporter. */
  readonly namespace: string;
  readonly nodeId: string;
  readonly jwtSecret: string | undefined;
  readonly rtc: {
    readonly listenIp: string;
    readonly announcedIp: string | undefined;
    readonly minPort: number;
    readonly maxPort: number;
  };
  readonly mediasoupWorkers: number;
  /** Subscriber consumers a room's router carries before new ones go to a router piped from another worker. */
  readonly mediaPipeThreshold: number;
  /** How long a WebRTC transport's ICE may stay disconnected before the transport is closed. */
  readonly mediaIceDisconnectGraceMs: number;
  readonly mediasoupWorkerBin: string | undefined;
  readonly ffmpegBin: string | undefined;
  readonly logLevel: LogLevel;
  readonly limits: {
    /** Largest JSON body the gateway accepts (bytes); larger gets 413. */
    readonly maxBodyBytes: number;
    /** Largest WebSocket frame (bytes). */
    readonly maxWsPayloadBytes: number;
    /** Frames per second a socket may send before it is told to slow down. */
    readonly wsMessagesPerSecond: number;
  };
  readonly requestTimeoutMs: number;
  /** Client addresses (rate limits, sessions) come from X-Forwarded-For: only behind a proxy that sets it. */
  readonly trustProxy: boolean;
  /** Live dojo rooms. */
  readonly dojo: {
    /** A room nobody is in closes after this long (its state is persisted; the next join reopens it). */
    readonly emptyTimeoutMs: number;
    /** A member whose socket dropped stays in the room this long, so a quick reconnect goes unnoticed. */
    readonly departureTimeoutMs: number;
    /** Chat messages one user may send per second, sustained and in a burst. */
    readonly chatPerSecond: number;
    readonly chatBurst: number;
  };
  /** Password hashing (login, sign-up): threads, and jobs that may wait before a login is refused with 503. */
  readonly hashing: { readonly concurrency: number; readonly queueLimit: number; readonly maxWaitMs: number };
  /**
   * Distributed tracing: spans written to the logs (TRACING=log) and/or sent over OTLP/HTTP to
   * OTEL_EXPORTER_OTLP_ENDPOINT (errors always, this share of the other traces).
   */
  readonly tracing: { readonly enabled: boolean; readonly sampleRate: number; readonly otlpEndpoint: string | undefined; readonly serviceName: string };
  readonly render: {
    /** Render jobs one node runs at once. */
    readonly concurrency: number;
    /** Attempts of a render job before it is dead-lettered and marked FAILED. */
    readonly maxAttempts: number;
    /** First retry delay; each later retry waits twice as long. */
    readonly retryBaseMs: number;
    /** Seconds each slide of a yearly video stays on screen. */
    readonly slideSeconds: number;
  };
  /** Code execution (the code-exec actor's sandbox and its admission limits). */
  readonly codeExec: {
    /** `off`: this node never runs code (runs end SANDBOX_UNAVAILABLE), as on a machine without bubblewrap. */
    readonly sandbox: 'on' | 'off';
    /** Sandboxes running at once on this node. */
    readonly concurrency: number;
    /** Runs a node takes off the queue at once and schedules round-robin by room (fairness). */
    readonly window: number;
    /** Wall-clock limit of a run; the CPU limit is the same in seconds, rounded up. */
    readonly timeoutMs: number;
    readonly memoryBytes: number;
    /** Output kept per stream (stdout, stderr); the rest is cut with a marker. */
    readonly outputBytes: number;
    /** Runs one room / one tenant may ask for per minute. */
    readonly roomRunsPerMinute: number;
    readonly tenantRunsPerMinute: number;
    /** Unfinished runs one room / one tenant may have; past them a run is refused with 429. */
    readonly roomQueued: number;
    readonly tenantQueued: number;
  };
  /** The yearly batch: when it runs (cron, UTC) and whether this process schedules it at all. */
  readonly yearly: { readonly schedule: string; readonly enabled: boolean };
  /** MALLOC_ARENA_MAX as the process was started with (glibc reads it, not the node; deploy/memory.ts reports it). */
  readonly mallocArenaMax: string | undefined;
}

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Builds the configuration from defaults + environment. Throws a ConfigError naming the
 * setting when a value is bad, so start-up stops with a clear message.
 */
export function loadConfig(env: Env = process.env): Config {
  const r = readers(env);
  const port = r.port('PORT', 8080);
  const host = r.string('HOST', '0.0.0.0');
  const services = r.list('SERVICES', ALL_SERVICES, ALL_SERVICES);
  const minPort = r.port('RTC_MIN_PORT', 40000);
  const maxPort = r.port('RTC_MAX_PORT', 49999);
  if (maxPort < minPort) throw new ConfigError('RTC_MAX_PORT', `must be >= RTC_MIN_PORT (${minPort})`);
  const s3Endpoint = r.url('S3_ENDPOINT', ['http:', 'https:']);
  const accessKeyId = r.optional('AWS_ACCESS_KEY_ID');
  const secretAccessKey = r.optional('AWS_SECRET_ACCESS_KEY');
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    throw new ConfigError(accessKeyId ? 'AWS_SECRET_ACCESS_KEY' : 'AWS_ACCESS_KEY_ID', 'must be set together with its pair');
  }
  const jwtSecret = r.optional('JWT_SECRET');
  if (jwtSecret !== undefined && jwtSecret.length < 32) throw new ConfigError('JWT_SECRET', 'must be at least 32 characters');
  const requestTimeoutMs = r.int('REQUEST_TIMEOUT_MS', 10000, 100, 600000);
  const publicHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return Object.freeze({
    port,
    host,
    ops: Object.freeze({ port: r.optional('OPS_PORT') === 'off' ? undefined : r.port('OPS_PORT', 9464), host: r.string('OPS_HOST', '127.0.0.1') }),
    dataDir: path.resolve(r.string('DATA_DIR', './data')),
    databaseUrl: r.url('DATABASE_URL', ['postgres:', 'postgresql:']),
    transporter: r.url('TRANSPORTER', ['nats:', 'tls:']),
    redisUrl: r.url('REDIS_URL', ['redis:', 'rediss:']),
    s3: Object.freeze({
      endpoint: s3Endpoint,
      bucket: r.string('S3_BUCKET', 'pocdojo'),
      region: r.string('S3_REGION', 'us-east-1'),
      accessKeyId,
      secretAccessKey,
    }),
    smtpUrl: r.url('SMTP_URL', ['smtp:', 'smtps:']),
    mailFrom: r.string('MAIL_FROM', 'pocdojo <no-reply@pocdojo.local>'),
    publicUrl: r.url('PUBLIC_URL', ['http:', 'https:']) ?? `http://${publicHost}:${port}`,
    services: Object.freeze(services),
    namespace: r.name('NAMESPACE', 'pocdojo'),
    nodeId: r.name('NODE_ID', `${os.hostname()}-${process.pid}`),
    mallocArenaMax: r.optional('MALLOC_ARENA_MAX'),
    jwtSecret,
    rtc: Object.freeze({
      listenIp: r.ip('RTC_LISTEN_IP', '127.0.0.1'),
      announcedIp: r.optional('RTC_ANNOUNCED_IP'),
      minPort,
      maxPort,
    }),
    mediasoupWorkers: r.int('MEDIASOUP_WORKERS', os.availableParallelism(), 1, 256),
    mediaPipeThreshold: r.int('MEDIA_PIPE_THRESHOLD', 500, 1, 100_000),
    mediaIceDisconnectGraceMs: r.int('MEDIA_ICE_DISCONNECT_GRACE_MS', 15_000, 100, 3_600_000),
    mediasoupWorkerBin: r.optional('MEDIASOUP_WORKER_BIN'),
    ffmpegBin: r.optional('FFMPEG_BIN'),
    logLevel: r.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    limits: Object.freeze({
      maxBodyBytes: r.int('MAX_BODY_BYTES', 1024 * 1024 * 4, 1024, 64 * 1024 * 1024),
      maxWsPayloadBytes: r.int('MAX_WS_PAYLOAD_BYTES', 256 * 1024, 1024, 16 * 1024 * 1024),
      wsMessagesPerSecond: r.int('WS_MESSAGES_PER_SECOND', 200, 1, 100000),
    }),
    requestTimeoutMs,
    trustProxy: r.oneOf('TRUST_PROXY', ['true', 'false'] as const, 'false') === 'true',
    dojo: Object.freeze({
      emptyTimeoutMs: r.int('DOJO_EMPTY_TIMEOUT_MS', 300_000, 100, 86_400_000),
      departureTimeoutMs: r.int('DOJO_DEPARTURE_TIMEOUT_MS', 20_000, 100, 3_600_000),
      chatPerSecond: r.int('DOJO_CHAT_PER_SECOND', 5, 1, 1_000_000),
      chatBurst: r.int('DOJO_CHAT_BURST', 20, 1, 1_000_000),
    }),
    hashing: Object.freeze({
      concurrency: r.int('HASH_CONCURRENCY', os.availableParallelism(), 1, 256),
      // At ~55 ms a hash on 2 cores, 64 waiting drain in under 2 s, and under 10 s (the request
      // timeout) even on a machine five times slower: past that a login is refused, not timed out.
      queueLimit: r.int('HASH_QUEUE_LIMIT', 64, 0, 100_000),
      // Half the request timeout leaves the other half for the rest of a login (database, gateway).
      maxWaitMs: r.int('HASH_MAX_WAIT_MS', Math.floor(requestTimeoutMs / 2), 1, 600_000),
    }),
    tracing: Object.freeze({
      enabled: r.oneOf('TRACING', ['off', 'log'] as const, 'off') === 'log',
      sampleRate: r.fraction('TRACING_SAMPLE_RATE', 1),
      otlpEndpoint: r.url('OTEL_EXPORTER_OTLP_ENDPOINT', ['http:', 'https:']),
      serviceName: r.string('OTEL_SERVICE_NAME', 'pocdojo'),
    }),
    render: Object.freeze({
      concurrency: r.int('RENDER_CONCURRENCY', 1, 1, 64),
      maxAttempts: r.int('RENDER_MAX_ATTEMPTS', 5, 1, 20),
      retryBaseMs: r.int('RENDER_RETRY_BASE_MS', 2000, 10, 600000),
      slideSeconds: r.int('VIDEO_SLIDE_SECONDS', 4, 1, 30),
    }),
    codeExec: Object.freeze({
      sandbox: r.oneOf('CODE_EXEC_SANDBOX', ['on', 'off'] as const, 'on'),
      concurrency: r.int('CODE_EXEC_CONCURRENCY', os.availableParallelism(), 1, 256),
      window: r.int('CODE_EXEC_WINDOW', 256, 1, 10_000),
      timeoutMs: r.int('CODE_EXEC_TIMEOUT_MS', 10_000, 200, 300_000),
      memoryBytes: r.int('CODE_EXEC_MEMORY_MB', 256, 32, 16_384) * 1024 * 1024,
      outputBytes: r.int('CODE_EXEC_OUTPUT_BYTES', 64 * 1024, 1024, 16 * 1024 * 1024),
      roomRunsPerMinute: r.int('CODE_EXEC_ROOM_RUNS_PER_MINUTE', 30, 1, 100_000),
      tenantRunsPerMinute: r.int('CODE_EXEC_TENANT_RUNS_PER_MINUTE', 600, 1, 1_000_000),
      roomQueued: r.int('CODE_EXEC_ROOM_QUEUED', 10, 1, 10_000),
      tenantQueued: r.int('CODE_EXEC_TENANT_QUEUED', 200, 1, 100_000),
    }),
    yearly: Object.freeze({
      schedule: cron(r.string('YEARLY_SCHEDULE', '0 3 1 1 *'), 'YEARLY_SCHEDULE'),
      enabled: r.oneOf('YEARLY_SCHEDULE_ENABLED', ['true', 'false'] as const, 'true') === 'true',
    }),
  });
}

function cron(pattern: string, setting: string): string {
  try {
    new Cron(pattern, { paused: true, timezone: 'UTC' }).stop();
  } catch (error) {
    throw new ConfigError(setting, `not a cron pattern (${(error as Error).message})`);
  }
  return pattern;
}

/** True when a service is hosted by this process. */
export function hosts(config: Config, service: ServiceName): boolean {
  return config.services.includes(service);
}
