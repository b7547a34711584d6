/**
 * The one tag filter every report applies to POCs (a usage export's, the annual report's, the
 * tenant overview's, the yearly video's): a POC counts when it carries one of `tags` (if given)
 * and none of `exclude_tags`, compared as the poc actor keys labels (trimmed, lower case) on the
 * `tag_keys` array of its row.
 */
export interface TagFilter {
  tags?: string[];
  excludeTags?: string[];
}

/** The keys of a list of tags, or null for "no filter" (the SQL's `IS NULL` branch). */
export const tagKeys = (tags: string[] | undefined): string[] | null => (tags?.length ? tags.map((tag) => tag.trim().toLowerCase()) : null);

/** The binds of `tagged`, in order: include keys, exclude keys. */
export const tagBinds = (f: TagFilter | undefined): [string[] | null, string[] | null] => [tagKeys(f?.tags), tagKeys(f?.excludeTags)];

/** The condition on a POC row (alias `p.` or none) with the include/exclude keys at bind positions `$in`/`$out`. */
export function tagged(include: number, exclude: number, alias = ''): string {
  const keys = `${alias}tag_keys`;
  return `($${include}::text[] IS NULL OR ${keys} && $${include}::varchar(50)[]) AND ($${exclude}::text[] IS NULL OR NOT ${keys} && $${exclude}::varchar(50)[])`;
}
