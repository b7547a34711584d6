import { createHash } from 'node:crypto';

export interface ChargeRequest {
  /** Whole cents, so no float rounding reaches a gateway. */
  amountCents: number;
  currency: string;
  /** Passed to the gateway, which dedupes on it: retrying a charge never charges twice. */
  idempotencyKey: string;
  description: string;
}

export type ChargeResult = { status: 'APPROVED'; reference: string } | { status: 'DECLINED'; reference: string; reason: string };

/**
 * A payment provider. Adapters get no card data: the client hands it to the provider's own SDK,
 * so it never passes through (or is stored by) this service.
 */
export interface PaymentGateway {
  readonly name: string;
  charge(request: ChargeRequest): Promise<ChargeResult>;
}

/**
 * The built-in `sandbox` gateway, deterministic by the cents of the total:
 *   .02 -> DECLINED card_declined, .05 -> DECLINED insufficient_funds, anything else -> APPROVED.
 * Like a real provider it answers a repeated idempotency key with the first result, and counts
 * the charges it really made so tests can prove none was doubled.
 */
export class SandboxGateway implements PaymentGateway {
  readonly #results = new Map<string, ChargeResult>();
  charges = 0;

  /**
   * Prices come from the plan, so a client cannot pick the cents: `sandbox-card-declined` and
   * `sandbox-insufficient-funds` decline every charge with that reason (test cards, in effect).
   */
  constructor(
    readonly name = 'sandbox',
    readonly declines?: 'card_declined' | 'insufficient_funds',
  ) {}

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    const previous = this.#results.get(request.idempotencyKey);
    if (previous) return previous;
    const reference = `sbx_${createHash('sha256').update(request.idempotencyKey).digest('hex').slice(0, 24)}`;
    const cents = request.amountCents % 100;
    const result: ChargeResult = this.declines
      ? { status: 'DECLINED', reference, reason: this.declines }
      : cents === 2
        ? { status: 'DECLINED', reference, reason: 'card_declined' }
        : cents === 5
          ? { status: 'DECLINED', reference, reason: 'insufficient_funds' }
          : { status: 'APPROVED', reference };
    if (result.status === 'APPROVED') this.charges++;
    this.#results.set(request.idempotencyKey, result);
    return result;
  }
}
