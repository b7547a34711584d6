/** Object storage, the same for the embedded S3 server and a real S3 (DESIGN.md §3). */
export interface ObjectStore {
  /**
   * Stores `body` under `key`, replacing any previous object. A stream with a known
   * contentLength is sent as is; without one it is uploaded in parts, so size is unbounded.
   */
  put(key: string, body: Buffer | string | NodeJS.ReadableStream, contentType: string, contentLength?: number): Promise<void>;
  /** null when absent. */
  get(key: string): Promise<Buffer | null>;
  head(key: string): Promise<ObjectInfo | null>;
  /** Idempotent: deleting a missing key succeeds. */
  delete(key: string): Promise<void>;
  /** Deletes every object whose key starts with `prefix` (non-empty); returns how many. */
  deletePrefix(prefix: string): Promise<number>;
  /** A URL that GETs the object without credentials for ttlSeconds. */
  presignGet(key: string, ttlSeconds: number, downloadName?: string): Promise<string>;
  /** Rejects unless the bucket is reachable (for /ready). */
  ping(): Promise<void>;
  /** Safe to call twice. */
  close(): Promise<void>;
}

export interface ObjectInfo {
  size: number;
  contentType?: string;
}
