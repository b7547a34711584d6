import { AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, PutObjectCommand, UploadPartCommand, type CompletedPart, type S3Client } from '@aws-sdk/client-s3';

/** S3 needs every part but the last to be at least 5 MiB; 8 MiB keeps request counts low. */
export const PART_SIZE = 8 * 1024 * 1024;

export interface StreamUploadTarget {
  client: S3Client;
  bucket: string;
  key: string;
  contentType: string;
}

/**
 * Uploads a stream of unknown length with memory bounded by two parts: S3 rejects a plain PUT
 * without Content-Length, so anything larger than one part goes up as a multipart upload.
 * Small streams (the common case) stay a single PUT.
 */
export async function uploadStream(target: StreamUploadTarget, body: NodeJS.ReadableStream, partSize = PART_SIZE): Promise<void> {
  const { client, bucket, key, contentType } = target;
  const putWhole = async (bytes: Buffer): Promise<void> => {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentType: contentType, ContentLength: bytes.length }));
  };
  const parts = readParts(body, partSize);
  const first = await parts.next();
  if (first.done) return putWhole(Buffer.alloc(0));
  const second = await parts.next();
  if (second.done) return putWhole(first.value);

  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: contentType }));
  try {
    const done: CompletedPart[] = [];
    const sendPart = async (bytes: Buffer): Promise<void> => {
      const PartNumber = done.length + 1;
      const { ETag } = await client.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber, Body: bytes, ContentLength: bytes.length }));
      done.push({ PartNumber, ETag });
    };
    await sendPart(first.value);
    await sendPart(second.value);
    for await (const bytes of parts) await sendPart(bytes);
    await client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: done } }));
  } catch (err) {
    // Unfinished uploads keep their parts (and cost storage) until aborted.
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId })).catch(() => undefined);
    throw err;
  }
}

/** Regroups a stream's chunks into buffers of at least `size` bytes (the last may be smaller). */
async function* readParts(body: NodeJS.ReadableStream, size: number): AsyncGenerator<Buffer, void> {
  let chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of body) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    chunks.push(bytes);
    length += bytes.length;
    if (length >= size) {
      yield Buffer.concat(chunks, length);
      chunks = [];
      length = 0;
    }
  }
  if (length > 0) yield Buffer.concat(chunks, length);
}
