import { createHash } from 'node:crypto';

/**
 * A UUID derived from its parts (a name-based UUID, RFC 9562 v5 layout). A retried command gets
 * the same id on any node, even after its room moved, so a unique index keeps one row.
 */
export function nameBasedId(parts: readonly string[]): string {
  const hash = createHash('sha1').update(parts.join('\n')).digest();
  hash[6] = ((hash[6] as number) & 0x0f) | 0x50;
  hash[8] = ((hash[8] as number) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
