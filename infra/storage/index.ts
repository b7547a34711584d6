export type { ObjectInfo, ObjectStore } from './types';
export { createObjectStore, type ObjectStoreConfig } from './createObjectStore';
export { S3ObjectStore, type S3ObjectStoreOptions } from './S3ObjectStore';
export { startEmbeddedS3, type EmbeddedS3, type EmbeddedS3Options } from './embeddedS3';
