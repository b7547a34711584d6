// Argument checks shared by both stores, so a bad TTL fails the same way on memory and on Redis
// (Redis would otherwise answer with its own error text, memory with none).

/** Normalizes a TTL to whole milliseconds (Redis PX takes integers); undefined means "no TTL". */
export function ttlArg(ttlMs: number | undefined): number | undefined {
  if (ttlMs === undefined) return undefined;
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new RangeError(`ttlMs must be a positive number, got ${ttlMs}`);
  }
  return Math.ceil(ttlMs);
}

export function requiredTtlArg(ttlMs: number): number {
  const ttl = ttlArg(ttlMs);
  if (ttl === undefined) throw new RangeError('ttlMs is required');
  return ttl;
}

export function integerArg(name: string, value: number): number {
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`${name} must be an integer, got ${value}`);
  }
  return value;
}
