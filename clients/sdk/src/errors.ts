import type { ErrorCode, FieldError } from '../../../protocol/errors';

/** Codes the SDK itself raises, beside the server's (protocol/errors.ts). */
export type ClientErrorCode = 'CONNECTION_LOST' | 'NOT_CONNECTED' | 'CLOSED' | 'REQUEST_TIMEOUT' | 'NETWORK_ERROR' | 'SESSION_ENDED';

/**
 * Every error the SDK rejects with: the server's error body as it came (`code`, `message`,
 * `fields` naming what was wrong) or one of the SDK's own codes. `status` is the HTTP status of
 * a REST call (undefined on the socket).
 */
export class PocdojoError extends Error {
  override readonly name = 'PocdojoError';

  constructor(
    readonly code: ErrorCode | ClientErrorCode,
    message: string,
    readonly fields: readonly FieldError[] = [],
    readonly status?: number,
  ) {
    super(message);
  }

  /** Whether the same request may be sent again and succeed (nothing about it was wrong). */
  get retryable(): boolean {
    return (
      this.code === 'CONNECTION_LOST' ||
      this.code === 'REQUEST_TIMEOUT' ||
      this.code === 'TIMEOUT' ||
      this.code === 'SERVICE_UNAVAILABLE' ||
      this.code === 'NETWORK_ERROR' ||
      this.code === 'RATE_LIMITED'
    );
  }
}
