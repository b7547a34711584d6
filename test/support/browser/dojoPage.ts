import type { Page } from 'playwright-core';

// What page/page.ts offers on `window.dojo`, as the Node side calls it (the page's own types
// are DOM types, checked apart: page/tsconfig.json).
export interface Received {
  videoWidth: number;
  videoHeight: number;
  bytesReceived: number;
  framesDecoded: number;
}

interface DojoCalls {
  join(url: string, token: string, dojoId: string): Array<{ producerId: string; userId: string; kind: string }>;
  publish(): { video: string; audio: string };
  consume(producerId: string): { consumerId: string; kind: string; scalabilityMode: string | undefined };
  received(consumerId: string): Received;
  request(method: string, data?: unknown): unknown;
  pushes(method: string): Array<Record<string, unknown>>;
}

/** Calls `window.dojo[method](...args)` in the page. */
export function call<M extends keyof DojoCalls>(page: Page, method: M, ...args: Parameters<DojoCalls[M]>): Promise<ReturnType<DojoCalls[M]>> {
  return page.evaluate(
    ({ method, args }) => {
      const dojo = (globalThis as unknown as { dojo: Record<string, (...a: unknown[]) => unknown> }).dojo;
      return dojo[method]?.(...args);
    },
    { method, args: args as unknown[] },
  ) as Promise<ReturnType<DojoCalls[M]>>;
}
