import type { z } from 'zod';
import type { FieldError } from './errors';
import { fieldName, textIssues } from './text';

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; fields: FieldError[] };

/**
 * Validates a value against a schema, turning issues into field errors named by path. Every
 * string of a valid value is then held to the text rule (see text.ts), whatever the schema says.
 */
export function validate<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): ValidationResult<z.output<S>> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const fields = result.error.issues.map((issue) => {
      // zod's wording for a missing field ("expected string, received undefined") reads like a bug report.
      const missing = issue.code === 'invalid_type' && / received undefined$/.test(issue.message);
      return { field: fieldName(prefix, issue.path), message: missing ? 'is required' : issue.message };
    });
    return { ok: false, fields };
  }
  const fields = textIssues(schema, result.data, prefix);
  return fields.length === 0 ? { ok: true, value: result.data } : { ok: false, fields };
}
