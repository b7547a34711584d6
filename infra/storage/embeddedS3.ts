import S3rver from 's3rver';
import { mkdir } from 'node:fs/promises';
import type { Logger } from '../logger';

export interface EmbeddedS3Options {
  /** Where objects live on disk; kept across restarts. */
  dataDir: string;
  host?: string;
  /** 0 picks a free port; the returned endpoint carries the real one. */
  port?: number;
  logger?: Logger;
}

export interface EmbeddedS3 {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** Safe to call twice. */
  close(): Promise<void>;
}

// s3rver registers this one key pair and checks no SigV4 signature, only the key id.
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
// Requests still running this long after close() are cut, so shutdown cannot hang on a download.
const CLOSE_GRACE_MS = 2_000;

/** The embedded default for object storage: s3rver in-process on loopback (DESIGN.md §3). */
export async function startEmbeddedS3(options: EmbeddedS3Options): Promise<EmbeddedS3> {
  const host = options.host ?? '127.0.0.1';
  await mkdir(options.dataDir, { recursive: true });
  const server = new S3rver({
    address: host,
    port: options.port ?? 0,
    directory: options.dataDir,
    // s3rver logs each request to the console through its own winston logger.
    silent: true,
    // Path-style only: a hostname is never taken for a bucket name.
    vhostBuckets: false,
  });
  // Koa reports every failed request here; missing keys are routine, server faults are not.
  server.on('error', (err) => {
    const status = err.status ?? 500;
    if (status >= 500) options.logger?.warn({ err }, 'storage: embedded s3 error');
    else options.logger?.debug({ code: err.code, status }, 'storage: embedded s3 request refused');
  });
  // run() resolves with the bound address, so port 0 reports the port the OS chose.
  const address = await server.run();
  const endpoint = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  options.logger?.info({ endpoint, dataDir: options.dataDir }, 'storage: embedded s3 listening');

  let closing: Promise<void> | undefined;
  return {
    endpoint,
    ...CREDENTIALS,
    // s3rver ignores regions; this is the one the SDK needs no location constraint for.
    region: 'us-east-1',
    close() {
      closing ??= (async () => {
        const stopped = server.close();
        const force = setTimeout(() => server.httpServer?.closeAllConnections(), CLOSE_GRACE_MS);
        try {
          await stopped;
        } finally {
          clearTimeout(force);
        }
      })();
      return closing;
    },
  };
}
