import { ErrorCode, NatsError } from 'nats';

// What the NATS client reports while the server is away: no JetStream reply in time (the
// publish was buffered across the reconnect), no responder yet, or the connection itself.
const DOWN_CODES = new Set<string>([
  ErrorCode.Timeout,
  ErrorCode.NoResponders,
  ErrorCode.JetStream408RequestTimeout,
  ErrorCode.ConnectionClosed,
  ErrorCode.ConnectionRefused,
  ErrorCode.ConnectionTimeout,
  ErrorCode.Disconnect,
]);

/** True when `error` says the queue's NATS server could not be reached, not that the call was wrong. */
export function isQueueUnavailable(error: unknown): boolean {
  return error instanceof NatsError && DOWN_CODES.has(error.code);
}
