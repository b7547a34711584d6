import type { Page } from 'playwright-core';
import type { Received } from './dojoPage';

// What page/sdkPage.ts offers on `window.sdk`, as the Node side calls it (the page's own types
// are DOM types, checked apart: page/tsconfig.json).
interface SdkCalls {
  join(baseUrl: string, credentials: { userId: string; accessToken: string; refreshToken: string }, dojoId: string): void;
  publish(): { video: string; audio: string };
  tiles(): Array<{ producerId: string; userId: string; kind: string; paused: boolean }>;
  received(producerId: string): Received;
  setVisible(producerId: string, visible: boolean): void;
  firstFrameMs(): number | null;
  recording(on: boolean): void;
  errors(): string[];
  leave(): void;
}

/** Calls `window.sdk[method](...args)` in the page. */
export function sdkCall<M extends keyof SdkCalls>(page: Page, method: M, ...args: Parameters<SdkCalls[M]>): Promise<ReturnType<SdkCalls[M]>> {
  return page.evaluate(
    ({ method, args }) => {
      const sdk = (globalThis as unknown as { sdk: Record<string, (...a: unknown[]) => unknown> }).sdk;
      return sdk[method]?.(...args);
    },
    { method, args: args as unknown[] },
  ) as Promise<ReturnType<SdkCalls[M]>>;
}
