import type { PocCreateBody } from '../../protocol/rest/poc';

// What `npm run demo` seeds. Everything is derived from fixed tables, so every run wants the same data.

export interface DemoPerson {
  username: string;
  firstName: string;
  lastName: string;
}

/** A POC's body as the contract takes it, and the username of the owner who creates it. */
export type DemoPoc = PocCreateBody & { owner: string };

export const DEFAULT_SLUG = 'demo';
export const TENANT_NAME = 'Demo Dojo Co.';
// A published password: fine for a demo on a laptop, never for a node anyone else can reach.
export const DEMO_PASSWORD = 'dojo-demo-2026';
export const POC_COUNT = 50;

/** The tenant's admin, who also leads (facilitates) the demo dojo. */
export const ADMIN: DemoPerson = { username: 'ana', firstName: 'Ana', lastName: 'Souza' };
export const MEMBERS: readonly DemoPerson[] = [
  { username: 'bruno', firstName: 'Bruno', lastName: 'Lima' },
  { username: 'carla', firstName: 'Carla', lastName: 'Mendes' },
  { username: 'diego', firstName: 'Diego', lastName: 'Alves' },
  { username: 'elisa', firstName: 'Elisa', lastName: 'Rocha' },
];

export function emailOf(person: DemoPerson): string {
  return `${person.username}@example.com`;
}

export const DOJO = {
  subject: 'Demo dojo: TDD kata in TypeScript',
  language: 'TypeScript',
  /** Days ahead of the first run, at 17:00 UTC; later runs find the dojo by its subject. */
  daysAhead: 7,
} as const;

export function dojoDate(now = new Date()): string {
  const date = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + DOJO.daysAhead, 17));
  return date.toISOString();
}

const STACKS = [
  { language: 'TypeScript', frameworks: ['NestJS', 'React', 'Moleculer'] },
  { language: 'Python', frameworks: ['FastAPI', 'Django', 'PyTorch'] },
  { language: 'Go', frameworks: ['Gin', 'gRPC'] },
  { language: 'Rust', frameworks: ['Axum', 'Tokio'] },
  { language: 'Java', frameworks: ['Spring Boot', 'Quarkus'] },
  { language: 'Kotlin', frameworks: ['Ktor', 'Jetpack Compose'] },
  { language: 'Swift', frameworks: ['SwiftUI', 'Vapor'] },
  { language: 'Elixir', frameworks: ['Phoenix'] },
] as const;
export const LANGUAGE_COUNT = STACKS.length;

// Seven topics against eight stacks: 7 and 8 share no factor, so the first 56 pairs are all
// different and every POC name is unique, which is what lets a later run recognise them.
const TOPICS = [
  { title: 'Realtime chat', tags: ['realtime', 'websocket'] },
  { title: 'Feature flag service', tags: ['api', 'devops'] },
  { title: 'Image thumbnailer', tags: ['media', 'queue'] },
  { title: 'Rate limiter', tags: ['api', 'security'] },
  { title: 'Typo-tolerant search', tags: ['search', 'data'] },
  { title: 'OAuth login', tags: ['security', 'auth'] },
  { title: 'Event-sourced ledger', tags: ['data', 'architecture'] },
] as const;

/** The 50 POCs, spread over the admin and the members so each has some to show. */
export function demoPocs(): DemoPoc[] {
  const owners = [ADMIN, ...MEMBERS];
  return Array.from({ length: POC_COUNT }, (_, i) => {
    const stack = STACKS[i % STACKS.length]!;
    const topic = TOPICS[i % TOPICS.length]!;
    const framework = stack.frameworks[i % stack.frameworks.length]!;
    const owner = owners[i % owners.length]!.username;
    const name = `${topic.title} in ${stack.language}`;
    return {
      owner,
      name,
      description: `A proof of concept of a ${topic.title.toLowerCase()} built with ${framework}.`,
      repo_url: `https://git.example.com/${owner}/${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
      language: stack.language,
      tags: [...topic.tags, i % 3 === 0 ? 'mobile' : 'backend'],
      frameworks: [framework],
      is_public: true,
    };
  });
}
