import path from 'node:path';
import { startEmbeddedS3 } from './embeddedS3';
import { S3ObjectStore } from './S3ObjectStore';
import type { Logger } from '../logger';
import type { ObjectStore } from './types';

export interface ObjectStoreConfig {
  /** S3_ENDPOINT; absent means the embedded server, started and owned by the store. */
  endpoint?: string;
  bucket: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** DATA_DIR; the embedded server keeps objects under <dataDir>/s3. */
  dataDir: string;
  logger?: Logger;
}

/** Connects to S3 (or starts the embedded server) and makes sure the bucket exists. */
export async function createObjectStore(config: ObjectStoreConfig): Promise<ObjectStore> {
  const { bucket, logger } = config;
  if (config.endpoint) {
    const store = new S3ObjectStore({ ...config, endpoint: config.endpoint });
    await ensureBucketOrClose(store);
    return store;
  }
  const embedded = await startEmbeddedS3({ dataDir: path.join(config.dataDir, 's3'), logger });
  const store = new S3ObjectStore({
    bucket,
    region: embedded.region,
    endpoint: embedded.endpoint,
    accessKeyId: embedded.accessKeyId,
    secretAccessKey: embedded.secretAccessKey,
    logger,
    owned: embedded,
  });
  await ensureBucketOrClose(store);
  return store;
}

// A store that failed to start must not leave a server or sockets behind.
async function ensureBucketOrClose(store: S3ObjectStore): Promise<void> {
  try {
    await store.ensureBucket();
  } catch (err) {
    await store.close();
    throw err;
  }
}
