import type * as UwsModule from 'uWebSockets.js';

export type Uws = typeof UwsModule;

/**
 * Loads uWebSockets.js and refuses to go on when its native binding did not load: the registry
 * package silently falls back to a slow pure-JS server, which would pass tests and fail users.
 */
export function loadNativeUws(): Uws {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const uws: Uws = require('uWebSockets.js');
  const nativeLoaded = Object.keys(require.cache).some((file) => /uws_[a-z0-9]+_[a-z0-9]+_\d+\.node$/.test(file));
  if (!nativeLoaded) {
    throw new Error(
      `uWebSockets.js native binding did not load for ${process.platform}-${process.arch} (Node ABI ${process.versions.modules}); ` +
        'refusing to start on the pure-JS fallback. Use Node.js 20 on glibc, and unset UWS_USE_FALLBACK.',
    );
  }
  return uws;
}

/** Text of an ArrayBuffer uWS hands out (valid only during the callback, so copy now). */
export function text(buffer: ArrayBuffer): string {
  return Buffer.from(buffer).toString('utf8');
}
