import type { SoakWorld } from './server';

/** What the load process is told to do (over IPC, so plain data). */
export interface LoadPlan {
  httpUrl: string;
  wsUrl: string;
  jwtSecret: string;
  /** Lifetime of the access tokens the clients sign: longer than the run, so no socket expires mid-soak. */
  tokenSeconds: number;
  world: SoakWorld;
  /** Chat messages per second in each room, sent by its members in turn. */
  chatPerRoom: number;
  /** Yjs edits (code.update) per second in each room. */
  editsPerRoom: number;
  /** REST requests per second across all users: searches, POC reads and creates, notifications. */
  restPerSecond: number;
  /** POCs each tenant creates through REST before the run, so searches and reads find something. */
  pocsPerTenant: number;
}

export const REST_KINDS = ['search', 'read', 'create', 'notifications'] as const;
export type RestKind = (typeof REST_KINDS)[number];

/** Running totals of the load process. `expected` counts the pushes the acked sends owe the room's open sockets. */
export interface LoadCounts {
  /** Seconds the traffic has been running (the rates' denominator). */
  trafficSeconds: number;
  socketsOpen: number;
  /** Sockets the server closed (or that failed) during the run. */
  socketsLost: number;
  chat: FrameCounts;
  code: FrameCounts;
  rest: Record<RestKind, { ok: number; errors: number }>;
  /** code.reset pushes the rooms acted on: compactions of their documents. */
  codeResets: number;
  /** REST requests not sent because 16 were still waiting: the node fell behind. */
  restShed: number;
  /** The first few distinct failures, for a run that went wrong. */
  errorSamples: string[];
}

export interface FrameCounts {
  sent: number;
  acked: number;
  refused: number;
  delivered: number;
  expected: number;
}

export function emptyCounts(): LoadCounts {
  const frames = (): FrameCounts => ({ sent: 0, acked: 0, refused: 0, delivered: 0, expected: 0 });
  return {
    trafficSeconds: 0,
    socketsOpen: 0,
    socketsLost: 0,
    chat: frames(),
    code: frames(),
    restShed: 0,
    codeResets: 0,
    rest: { search: { ok: 0, errors: 0 }, read: { ok: 0, errors: 0 }, create: { ok: 0, errors: 0 }, notifications: { ok: 0, errors: 0 } },
    errorSamples: [],
  };
}

export function noteError(counts: LoadCounts, message: string): void {
  if (counts.errorSamples.length < 8 && !counts.errorSamples.includes(message)) counts.errorSamples.push(message);
}
