import { TracerExporters } from 'moleculer';

// Moleculer's typings do not declare the exporter base class's internals used here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const BaseExporter = TracerExporters.Base as any;

interface FinishedSpan {
  name: string;
  id: string;
  traceID: string;
  parentID?: string;
  duration: number;
  error?: { name?: string; message?: string };
  tags?: Record<string, unknown>;
}

/**
 * Writes each finished span as one structured log line (trace id, span id, parent, duration),
 * so a request can be followed across nodes in the logs alone, with no tracing backend to run.
 * The gateway's request id is the trace id: it reaches every span of the request.
 */
export class LogSpanExporter extends BaseExporter {
  spanFinished(span: FinishedSpan): void {
    this.logger.info(
      {
        traceId: span.traceID,
        spanId: span.id,
        parentId: span.parentID,
        span: span.name,
        ms: Math.round(span.duration * 1000) / 1000,
        ...(span.error ? { error: span.error.name ?? span.error.message } : {}),
      },
      'span',
    );
  }
}
