import test from 'ava';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { createObjectStore } from './createObjectStore';
import { startEmbeddedS3 } from './embeddedS3';
import { S3ObjectStore } from './S3ObjectStore';
import type { ObjectStore } from './types';

// Runs against S3_ENDPOINT when set (credentials from the SDK's usual env vars), else embedded.
const endpoint = process.env.S3_ENDPOINT;
const bucket = process.env.S3_BUCKET ?? 'pocdojo-test';
const run = `test-${randomUUID()}/`;
let dataDir: string;
let store: ObjectStore;

test.before(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'pocdojo-storage-'));
  store = await createObjectStore({ endpoint, bucket, region: process.env.S3_REGION ?? 'us-east-1', dataDir });
});

test.after.always(async () => {
  await store?.deletePrefix(run).catch(() => undefined);
  await store?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('put/get/head/delete round trip', async (t) => {
  const key = `${run}a/hello.txt`;
  await store.put(key, 'hello, dojo', 'text/plain; charset=utf-8');
  t.is((await store.get(key))?.toString(), 'hello, dojo');
  t.deepEqual(await store.head(key), { size: 11, contentType: 'text/plain; charset=utf-8' });
  await store.delete(key);
  t.is(await store.get(key), null);
  t.is(await store.head(key), null);
  await t.notThrowsAsync(store.delete(key), 'delete is idempotent');
});

test('a missing key reads as null', async (t) => {
  t.is(await store.get(`${run}nope/never.bin`), null);
  t.is(await store.head(`${run}nope/never.bin`), null);
});

test('streams with a known length are stored byte for byte', async (t) => {
  const key = `${run}stream/known.bin`;
  const bytes = randomBytes(200_000);
  await store.put(key, Readable.from([bytes.subarray(0, 70_000), bytes.subarray(70_000)]), 'application/octet-stream', bytes.length);
  t.is(sha((await store.get(key))!), sha(bytes));
});

test('streams of unknown length: small ones in one PUT, large ones in parts', async (t) => {
  const small = randomBytes(1_000);
  await store.put(`${run}stream/small.bin`, Readable.from([small]), 'application/octet-stream');
  t.is(sha((await store.get(`${run}stream/small.bin`))!), sha(small));

  // 17 MiB in 1 MiB chunks: two full 8 MiB parts and a short last one.
  const chunks = Array.from({ length: 17 }, () => randomBytes(1024 * 1024));
  const key = `${run}stream/large.bin`;
  await store.put(key, Readable.from(chunks), 'video/mp4');
  t.deepEqual(await store.head(key), { size: 17 * 1024 * 1024, contentType: 'video/mp4' });
  t.is(sha((await store.get(key))!), sha(Buffer.concat(chunks)));
});

test('a body that disagrees with contentLength is refused', async (t) => {
  await t.throwsAsync(store.put(`${run}bad.txt`, 'abc', 'text/plain', 4), { instanceOf: RangeError });
});

test('deletePrefix removes exactly the objects under the prefix', async (t) => {
  const base = `${run}tenants/t1/`;
  await Promise.all([
    store.put(`${base}reports/1.csv`, 'a', 'text/csv'),
    store.put(`${base}reports/2.csv`, 'b', 'text/csv'),
    store.put(`${base}users/u/avatar.png`, 'c', 'image/png'),
    store.put(`${run}tenants/t10/reports/1.csv`, 'd', 'text/csv'),
  ]);
  t.is(await store.deletePrefix(`${base}reports/`), 2);
  t.is(await store.get(`${base}reports/1.csv`), null);
  t.is(await store.deletePrefix(base), 1);
  t.is((await store.get(`${run}tenants/t10/reports/1.csv`))?.toString(), 'd');
  t.is(await store.deletePrefix(`${run}tenants/none/`), 0);
  await t.throwsAsync(store.deletePrefix(''), { instanceOf: TypeError });
});

test('a presigned URL serves the bytes to a plain fetch, with the download name', async (t) => {
  const key = `${run}videos/2025/clip.mp4`;
  const bytes = randomBytes(4_096);
  await store.put(key, bytes, 'video/mp4');
  const url = await store.presignGet(key, 60, 'Mon année.mp4');
  const res = await fetch(url);
  t.is(res.status, 200);
  t.is(sha(Buffer.from(await res.arrayBuffer())), sha(bytes));
  t.is(res.headers.get('content-disposition'), `attachment; filename="Mon ann_e.mp4"; filename*=UTF-8''Mon%20ann%C3%A9e.mp4`);
  await t.throwsAsync(store.presignGet(key, 0), { instanceOf: RangeError });
});

test('keys that could escape a directory are refused', async (t) => {
  for (const key of ['', '/abs', 'a/../b', 'a//b', 'dir/', './x']) {
    await t.throwsAsync(store.put(key, 'x', 'text/plain'), undefined, JSON.stringify(key));
  }
});

test('ping answers for a reachable bucket and fails for a missing one', async (t) => {
  await t.notThrowsAsync(store.ping());
  // A missing bucket is only made on the embedded server; a configured endpoint is not ours to probe.
  if (endpoint) return;
  const s3 = await startEmbeddedS3({ dataDir: path.join(dataDir, 'other') });
  const missing = new S3ObjectStore({ ...s3, bucket: 'no-such-bucket' });
  try {
    await t.throwsAsync(missing.ping());
  } finally {
    await missing.close();
    await s3.close();
  }
});

test('embedded: port 0 reports the real port; objects survive a restart; close() stops the server', async (t) => {
  const dir = path.join(dataDir, 'restart');
  const first = await createObjectStore({ bucket: 'persisted', region: 'us-east-1', dataDir: dir });
  await first.put('k/v.txt', 'kept', 'text/plain');
  const url = new URL(await first.presignGet('k/v.txt', 60));
  t.not(url.port, '0');
  t.is((await fetch(url)).status, 200);
  await first.close();
  await first.close();
  await t.throwsAsync(fetch(url), undefined, 'server is stopped');

  const second = await createObjectStore({ bucket: 'persisted', region: 'us-east-1', dataDir: dir });
  try {
    t.is((await second.get('k/v.txt'))?.toString(), 'kept');
  } finally {
    await second.close();
  }
});
