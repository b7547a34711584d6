import {
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type BucketLocationConstraint,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Readable } from 'node:stream';
import { assertObjectKey, attachmentDisposition } from './objectKey';
import { uploadStream } from './streamUpload';
import type { Logger } from '../logger';
import type { ObjectInfo, ObjectStore } from './types';

export interface S3ObjectStoreOptions {
  bucket: string;
  region: string;
  /** An S3-compatible endpoint (MinIO, the embedded server); absent means AWS itself. */
  endpoint?: string;
  /** Absent means the SDK's default credential chain (env, profile, instance role). */
  accessKeyId?: string;
  secretAccessKey?: string;
  logger?: Logger;
  /** Closed after the client by close(): what the store owns, e.g. the embedded server. */
  owned?: { close(): Promise<void> };
}

const PING_TIMEOUT_MS = 5_000;
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600; // S3's limit for SigV4 query signatures

/** ObjectStore over the AWS SDK v3; one code path for AWS, S3-compatibles and the embedded server. */
export class S3ObjectStore implements ObjectStore {
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #region: string;
  readonly #owned: S3ObjectStoreOptions['owned'];
  #closed = false;

  constructor(options: S3ObjectStoreOptions) {
    this.#bucket = options.bucket;
    this.#region = options.region;
    this.#owned = options.owned;
    const { accessKeyId, secretAccessKey } = options;
    this.#client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      // S3-compatible servers rarely resolve <bucket>.<host> names; paths always work.
      forcePathStyle: options.endpoint !== undefined,
      credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
      // Since 2025 the SDK sends streamed bodies aws-chunked with a trailing CRC; servers that
      // predate that (s3rver, older MinIO) store the chunk framing as object bytes. Checksums only
      // where S3 demands them (DeleteObjects) keep bodies plain; TLS still guards transfers.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
      logger: sdkLogger(options.logger),
    });
  }

  /** Creates the bucket unless it exists; safe when several processes race to create it. */
  async ensureBucket(): Promise<void> {
    if (await this.#bucketExists()) return;
    try {
      await this.#client.send(
        new CreateBucketCommand({
          Bucket: this.#bucket,
          // us-east-1 is the one region that must not be named as a location constraint.
          CreateBucketConfiguration: this.#region === 'us-east-1' ? undefined : { LocationConstraint: this.#region as BucketLocationConstraint },
        }),
      );
    } catch (err) {
      if (!hasName(err, 'BucketAlreadyOwnedByYou', 'BucketAlreadyExists')) throw err;
      // Someone else's bucket with that name would also say "exists": prove we can reach it.
      if (!(await this.#bucketExists())) throw err;
    }
  }

  async put(key: string, body: Buffer | string | NodeJS.ReadableStream, contentType: string, contentLength?: number): Promise<void> {
    assertObjectKey(key);
    if (typeof body === 'string' || Buffer.isBuffer(body)) {
      const bytes = typeof body === 'string' ? Buffer.from(body) : body;
      if (contentLength !== undefined && contentLength !== bytes.length) {
        throw new RangeError(`contentLength ${contentLength} does not match the body's ${bytes.length} bytes`);
      }
      await this.#client.send(new PutObjectCommand({ Bucket: this.#bucket, Key: key, Body: bytes, ContentType: contentType, ContentLength: bytes.length }));
    } else if (contentLength !== undefined) {
      const stream = body instanceof Readable ? body : new Readable().wrap(body);
      await this.#client.send(new PutObjectCommand({ Bucket: this.#bucket, Key: key, Body: stream, ContentType: contentType, ContentLength: contentLength }));
    } else {
      await uploadStream({ client: this.#client, bucket: this.#bucket, key, contentType }, body);
    }
  }

  async get(key: string): Promise<Buffer | null> {
    assertObjectKey(key);
    try {
      const out = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: key }));
      return out.Body ? Buffer.from(await out.Body.transformToByteArray()) : Buffer.alloc(0);
    } catch (err) {
      if (hasName(err, 'NoSuchKey')) return null;
      throw err;
    }
  }

  async head(key: string): Promise<ObjectInfo | null> {
    assertObjectKey(key);
    try {
      const out = await this.#client.send(new HeadObjectCommand({ Bucket: this.#bucket, Key: key }));
      return { size: out.ContentLength ?? 0, contentType: out.ContentType };
    } catch (err) {
      // HEAD responses have no body, so a missing key surfaces as a bare 404 "NotFound".
      if (hasName(err, 'NotFound', 'NoSuchKey')) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    assertObjectKey(key);
    await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: key }));
  }

  async deletePrefix(prefix: string): Promise<number> {
    // An empty prefix would empty the whole bucket: never what a caller scoping by tenant means.
    if (typeof prefix !== 'string' || prefix.length === 0) throw new TypeError('deletePrefix needs a non-empty prefix');
    let deleted = 0;
    // Re-list from the start each round instead of paging: the previous page is gone by then,
    // and continuation tokens over a shrinking listing are not portable across S3 clones.
    for (;;) {
      const page = await this.#client.send(new ListObjectsV2Command({ Bucket: this.#bucket, Prefix: prefix, MaxKeys: 1000 }));
      const objects = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
      if (objects.length === 0) return deleted;
      const out = await this.#client.send(new DeleteObjectsCommand({ Bucket: this.#bucket, Delete: { Objects: objects, Quiet: false } }));
      const failed = out.Errors ?? [];
      if (failed.length > 0) {
        throw new Error(`deletePrefix: ${failed.length} objects not deleted, first ${failed[0].Key}: ${failed[0].Code} ${failed[0].Message}`);
      }
      deleted += out.Deleted?.length ?? 0;
    }
  }

  async presignGet(key: string, ttlSeconds: number, downloadName?: string): Promise<string> {
    assertObjectKey(key);
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_PRESIGN_SECONDS) {
      throw new RangeError(`ttlSeconds must be an integer from 1 to ${MAX_PRESIGN_SECONDS}, got ${ttlSeconds}`);
    }
    const command = new GetObjectCommand({
      Bucket: this.#bucket,
      Key: key,
      ResponseContentDisposition: downloadName ? attachmentDisposition(downloadName) : undefined,
    });
    return getSignedUrl(this.#client, command, { expiresIn: ttlSeconds });
  }

  async ping(): Promise<void> {
    await this.#client.send(new HeadBucketCommand({ Bucket: this.#bucket }), { abortSignal: AbortSignal.timeout(PING_TIMEOUT_MS) });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // Destroying the client first drops its keep-alive sockets, so an owned server closes at once.
    this.#client.destroy();
    await this.#owned?.close();
  }

  async #bucketExists(): Promise<boolean> {
    try {
      await this.#client.send(new HeadBucketCommand({ Bucket: this.#bucket }));
      return true;
    } catch (err) {
      if (hasName(err, 'NotFound', 'NoSuchBucket')) return false;
      throw err;
    }
  }
}

function hasName(err: unknown, ...names: string[]): boolean {
  return err instanceof Error && names.includes(err.name);
}

// Without a logger the SDK falls back to console for some warnings, hence one always given.
// Its info level logs every command with its input, object bodies included: dropped. Its error
// level repeats each failed command (an expected NotFound too), which the store already turns
// into a result or an error of its own: kept at debug.
function sdkLogger(logger: Logger | undefined): NonNullable<S3ClientConfig['logger']> {
  const at =
    (level: 'debug' | 'warn' | 'error') =>
    (...content: unknown[]) =>
      logger?.[level]({ sdk: content }, 'storage: s3 sdk');
  const drop = () => {};
  return { trace: drop, debug: at('debug'), info: drop, warn: at('warn'), error: at('debug') };
}
