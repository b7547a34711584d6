/**
 * Rejects keys that S3 would accept but that misbehave elsewhere: the embedded server maps key
 * segments to directories, so `..` would escape its data directory and empty segments collapse.
 * Our keys are structured paths (DESIGN.md §7) and never need these.
 */
export function assertObjectKey(key: string): string {
  if (typeof key !== 'string' || key.length === 0) throw new TypeError('object key must be a non-empty string');
  if (Buffer.byteLength(key) > 1024) throw new RangeError('object key is longer than 1024 bytes');
  for (const segment of key.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') {
      throw new RangeError(`object key has an empty, "." or ".." segment: ${JSON.stringify(key)}`);
    }
  }
  return key;
}

/** Content-Disposition for a download: an ASCII fallback plus the exact name (RFC 6266). */
export function attachmentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const exact = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${exact}`;
}
