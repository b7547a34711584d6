// s3rver ships no types; this declares the part of its API embeddedS3.ts uses.
declare module 's3rver' {
  import type { Server } from 'node:http';
  import type { AddressInfo } from 'node:net';

  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory?: string;
    resetOnClose?: boolean;
    vhostBuckets?: boolean;
    allowMismatchedSignatures?: boolean;
    serviceEndpoint?: string;
  }

  class S3rver {
    constructor(options?: S3rverOptions);
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
    /** Koa's error event: one per failed request, S3 errors (NoSuchKey, ...) included. */
    on(event: 'error', listener: (err: Error & { status?: number; code?: string }) => void): this;
    readonly httpServer: Server | undefined;
  }

  export = S3rver;
}
