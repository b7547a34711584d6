import type { z } from 'zod';
import type { FieldError } from './errors';

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; fields: FieldError[] };

/** Validates a value against a schema, turning issues into field errors named by path. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): ValidationResult<z.output<S>> {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  const fields = result.error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const field = [prefix, path].filter(Boolean).join('.') || prefix || '(body)';
    // zod's wording for a missing field ("expected string, received undefined") reads like a bug report.
    const missing = issue.code === 'invalid_type' && / received undefined$/.test(issue.message);
    return { field, message: missing ? 'is required' : issue.message };
  });
  return { ok: false, fields };
}
