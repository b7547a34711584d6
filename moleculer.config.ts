import type { BrokerOptions, Errors } from 'moleculer';
import type { Config } from './config';
import { PromptDiscoverer } from './infra/broker/discoverer';
import { ZodValidator } from './infra/broker/zodValidator';
import { ErrorCode } from './protocol/errors';
import { LogSpanExporter } from './infra/tracing';
import { OtlpSpanExporter } from './infra/otlpTracing';
import { LOG_REDACT_CENSOR, LOG_REDACT_PATHS } from './infra/redaction';

/**
 * Broker settings for realtime work. The defaults of Moleculer suit batch back-ends: a dead node
 * is noticed after 30 s. A dojo room on a dead node moves as soon as its lease lapses (4 s), so a
 * dead node must be noticed within that too (heartbeats every second, dropped after 3 s of
 * silence, checked in milliseconds: infra/broker/discoverer.ts), and every call is bounded by a timeout, retried only when the error says it may be,
 * guarded by a circuit breaker and a bulkhead.
 */
export function createBrokerOptions(config: Config): BrokerOptions {
  return {
    namespace: config.namespace,
    nodeID: config.nodeId,
    transporter: config.transporter ?? null,
    logger: {
      type: 'Pino',
      options: {
        level: config.logLevel === 'silent' ? 'fatal' : config.logLevel,
        // Secrets and personal data never reach the log (infra/redaction.ts).
        pino: { options: { level: config.logLevel === 'silent' ? 'silent' : config.logLevel, redact: { paths: LOG_REDACT_PATHS, censor: LOG_REDACT_CENSOR } } },
      },
    },
    logLevel: config.logLevel === 'silent' ? 'fatal' : config.logLevel,
    // Clusters of other namespaces may share the Redis: the namespace leads every key, as it
    // does the key-value store's (a fixed prefix let one cluster read another's cached answers).
    cacher: config.redisUrl ? { type: 'Redis', options: { prefix: `${config.namespace}:cache`, ttl: 300, redis: config.redisUrl } } : { type: 'MemoryLRU', options: { ttl: 300, max: 10_000 } },
    heartbeatInterval: 1,
    heartbeatTimeout: 3,
    requestTimeout: config.requestTimeoutMs,
    retryPolicy: {
      enabled: true,
      retries: 3,
      delay: 100,
      maxDelay: 1000,
      factor: 2,
      // Only errors that say so (node gone, timeouts on idempotent calls); never client mistakes.
      check: (err: Error | Errors.MoleculerError) => Boolean((err as Errors.MoleculerError).retryable),
    },
    circuitBreaker: {
      enabled: true,
      threshold: 0.5,
      minRequestCount: 20,
      windowTime: 60,
      halfOpenTime: 10_000,
      // A client mistake is not a fault of the service; nor is a request shed on purpose or a
      // backing service being down (both SERVICE_UNAVAILABLE, 503 with Retry-After): every node
      // fails alike then, and an open breaker would keep answering 503 for halfOpenTime after the
      // storm passed or the database came back.
      check: (err: Error | Errors.MoleculerError) => Number((err as Errors.MoleculerError).code) >= 500 && (err as Errors.MoleculerError).type !== ErrorCode.SERVICE_UNAVAILABLE,
    },
    bulkhead: { enabled: true, concurrency: 200, maxQueueSize: 2000 },
    registry: { strategy: 'RoundRobin', preferLocal: true, discoverer: new PromptDiscoverer() },
    // Metrics go through prom-client (infra/metrics): Moleculer's per-call metrics made a busy
    // gateway burn more CPU minute after minute (15 -> 60 us per request within 12 s).
    metrics: { enabled: false },
    tracing: tracingOptions(config),
    // Action and event params are zod schemas, the protocol's (infra/broker/zodValidator.ts).
    validator: new ZodValidator(),
    internalServices: true,
    // deploy/start.ts owns signals and shutdown order (broker, then infrastructure); Moleculer's
    // own handlers would process.exit() under it, and inside a test runner's worker.
    skipProcessEventRegistration: true,
  };
}

/**
 * TRACING=log writes spans to the log; OTEL_EXPORTER_OTLP_ENDPOINT sends them to an OpenTelemetry
 * collector. With OTLP every request is traced and the exporter keeps all failed spans and a
 * TRACING_SAMPLE_RATE share of the rest (decided per trace id); the log alone samples up front.
 */
function tracingOptions(config: Config): BrokerOptions['tracing'] {
  const { enabled, sampleRate, otlpEndpoint, serviceName } = config.tracing;
  if (!enabled && !otlpEndpoint) return { enabled: false };
  const exporter: unknown[] = [];
  if (enabled) exporter.push(new LogSpanExporter());
  if (otlpEndpoint) exporter.push(new OtlpSpanExporter({ endpoint: otlpEndpoint, serviceName, nodeId: config.nodeId, version: VERSION, sampleRate }));
  return { enabled: true, sampling: { rate: otlpEndpoint ? 1 : sampleRate }, exporter: exporter as never };
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const VERSION: string = require('./package.json').version;

export default createBrokerOptions;
