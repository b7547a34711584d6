import { createHash } from 'node:crypto';
import { SpanKind, SpanStatusCode, TraceFlags, type Attributes, type HrTime } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { TracerExporters } from 'moleculer';

// Moleculer's typings do not declare the exporter base class's internals used here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const BaseExporter = TracerExporters.Base as any;

/** A finished Moleculer span: times in epoch milliseconds. */
interface MoleculerSpan {
  name: string;
  id: string;
  traceID: string;
  parentID?: string | null;
  type?: string;
  startTime: number;
  finishTime: number;
  error?: { name?: string; message?: string; code?: unknown; type?: unknown } | null;
  tags?: Record<string, unknown>;
  service?: { fullName?: string } | string;
}

export interface OtlpOptions {
  /** OTEL_EXPORTER_OTLP_ENDPOINT: the collector's base URL; spans go to `<endpoint>/v1/traces`. */
  endpoint: string;
  serviceName: string;
  nodeId: string;
  version: string;
  /** Share of error-free traces exported, decided on the trace id so every node agrees. */
  sampleRate: number;
}

const HEX = /^[0-9a-f]+$/;

/**
 * An OpenTelemetry id from a Moleculer one. The gateway's request ids are 32 hex digits already
 * (gateway/http/context.ts), so the trace id is the request id itself; a client's own
 * X-Request-Id of another shape, and Moleculer's UUID span ids, are hashed to the right length.
 */
export function otelId(id: string, hexDigits: 32 | 16): string {
  const bare = id.toLowerCase().replace(/-/g, '');
  if (HEX.test(bare) && bare.length === hexDigits && !/^0+$/.test(bare)) return bare;
  return createHash('sha256').update(id).digest('hex').slice(0, hexDigits);
}

/** Whether an error-free trace is kept: the same answer on every node for one trace id. */
export function sampled(traceId: string, rate: number): boolean {
  if (rate >= 1) return true;
  if (rate <= 0) return false;
  return parseInt(otelId(traceId, 32).slice(0, 8), 16) / 0x1_0000_0000 < rate;
}

const hr = (ms: number): HrTime => [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];

function attributes(span: MoleculerSpan, requestId: string): Attributes {
  const out: Attributes = { 'pocdojo.request_id': requestId };
  if (span.type) out['moleculer.type'] = span.type;
  for (const [key, value] of Object.entries(span.tags ?? {})) {
    // Only the flat tags (action name, node ids, caller); params and metas may hold personal data.
    if (['string', 'number', 'boolean'].includes(typeof value) && !/param|meta|token|password|email/i.test(key)) out[`moleculer.${key}`] = value as string | number | boolean;
  }
  if (span.error) {
    out['exception.type'] = String(span.error.type ?? span.error.name ?? 'Error');
    out['exception.message'] = String(span.error.message ?? '');
  }
  return out;
}

/**
 * Sends Moleculer's spans to an OpenTelemetry collector over OTLP/HTTP (JSON). Moleculer already
 * carries the trace across nodes (each call's context holds the trace and parent ids), so every
 * node exports its own spans and the collector joins them. Every span that failed is exported;
 * of the others, the traces whose id falls in `sampleRate`.
 */
export class OtlpSpanExporter extends BaseExporter {
  readonly #processor: BatchSpanProcessor;
  readonly #options: OtlpOptions;
  readonly #resource;

  constructor(options: OtlpOptions) {
    super({});
    this.#options = options;
    this.#resource = resourceFromAttributes({ 'service.name': options.serviceName, 'service.instance.id': options.nodeId, 'service.version': options.version });
    const url = `${options.endpoint.replace(/\/+$/, '')}/v1/traces`;
    this.#processor = new BatchSpanProcessor(new OTLPTraceExporter({ url }), { scheduledDelayMillis: 1000 });
  }

  spanFinished(span: MoleculerSpan): void {
    if (!span.error && !sampled(span.traceID, this.#options.sampleRate)) return;
    const traceId = otelId(span.traceID, 32);
    const context = { traceId, spanId: otelId(span.id, 16), traceFlags: TraceFlags.SAMPLED };
    const readable: ReadableSpan = {
      name: span.name,
      kind: span.parentID ? SpanKind.INTERNAL : SpanKind.SERVER,
      spanContext: () => context,
      parentSpanContext: span.parentID ? { traceId, spanId: otelId(span.parentID, 16), traceFlags: TraceFlags.SAMPLED, isRemote: true } : undefined,
      startTime: hr(span.startTime),
      endTime: hr(span.finishTime),
      duration: hr(Math.max(0, span.finishTime - span.startTime)),
      status: span.error ? { code: SpanStatusCode.ERROR, message: span.error.message } : { code: SpanStatusCode.OK },
      attributes: attributes(span, span.traceID),
      links: [],
      events: [],
      ended: true,
      resource: this.#resource,
      instrumentationScope: { name: 'pocdojo.moleculer' },
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
    };
    this.#processor.onEnd(readable);
  }

  /** Moleculer calls it when the broker stops: what is batched is sent before the node exits. */
  async stop(): Promise<void> {
    await this.#processor.shutdown().catch((err: unknown) => this.logger?.warn({ err }, 'OTLP: the last spans could not be sent'));
  }
}
