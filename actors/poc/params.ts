/**
 * fastest-validator schemas of the poc actions: types and shapes at the broker's door. The
 * content rules (lengths, URL, limits) live in the protocol's zod schemas, which the gateway
 * applies and normalize.ts applies again, so both give the same field-level messages.
 */
const optionalString = { type: 'string', optional: true } as const;
const optionalStrings = { type: 'array', items: 'string', optional: true } as const;
const stringOrStrings = [
  { type: 'string', optional: true },
  { type: 'array', items: 'string', optional: true },
] as const;
const id = { type: 'uuid' } as const;

export const PARAMS = {
  create: {
    name: 'string',
    description: optionalString,
    repo_url: 'string',
    language: 'string',
    tags: optionalStrings,
    frameworks: optionalStrings,
    is_public: { type: 'boolean', optional: true },
    favorite: { type: 'boolean', optional: true },
  },
  update: {
    id,
    name: optionalString,
    description: optionalString,
    repo_url: optionalString,
    language: optionalString,
    tags: optionalStrings,
    frameworks: optionalStrings,
    is_public: { type: 'boolean', optional: true },
  },
  byId: { id },
  search: {
    q: optionalString,
    language: optionalString,
    tag: stringOrStrings,
    framework: stringOrStrings,
    favorite: [
      { type: 'boolean', optional: true },
      { type: 'enum', values: ['true', 'false'], optional: true },
    ],
    sort: optionalString,
    limit: { type: 'number', integer: true, convert: true, optional: true },
    offset: { type: 'number', integer: true, convert: true, optional: true },
  },
  popular: { limit: { type: 'number', integer: true, convert: true, optional: true } },
  suggest: { prefix: 'string', limit: { type: 'number', integer: true, convert: true, optional: true } },
};

/** The param names a search's result depends on (its cache key). */
export const SEARCH_KEYS = Object.keys(PARAMS.search);
