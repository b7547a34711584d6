import type { Sql } from '../../../infra/db/sql';

/** One group's kata figures (the totals, an exercise, a language). */
export interface KataFigures {
  katas: number;
  rooms: number;
  completed_rooms: number;
  /** completed_rooms / rooms; null without rooms. */
  completion_rate: number | null;
  /** Median seconds from the kata's start to a room's completion; null when no room completed. */
  median_seconds_to_complete: number | null;
  /** Test runs of the rooms (every `code.executed` in a kata room counts one). */
  test_runs: number;
  /** Of the tests the rooms' last runs ran, how many passed. */
  tests_passed: number;
  tests_total: number;
  /** tests_passed / tests_total; null when no test ran. */
  test_pass_rate: number | null;
}

export interface KataAnalytics {
  totals: KataFigures;
  /** Per exercise of the library (a kata started without one is grouped by its title), most rooms first. */
  by_exercise: Array<KataFigures & { exercise_id: string | null; title: string; language: string }>;
  /** Per language (case-insensitive), most rooms first. */
  by_language: Array<KataFigures & { language: string }>;
}

/**
 * Binds: $1 tenant, $2 from date, $3 to date (inclusive), $4 time zone, $5 user or null.
 * A kata belongs to the range by its start on the tenant's calendar; a member's slice is the
 * rooms they were assigned to (and so the katas they took part in). One row per room (a kata
 * without rooms still counts as run), aggregated three ways in one scan with grouping sets.
 */
const KATAS = `
  WITH r AS (
    SELECT k.id AS kata_id, k.exercise_id, k.title, k.language, lower(k.language) AS language_key,
           coalesce(k.exercise_id::text, 'title:' || k.title) AS exercise_key,
           kr.id AS room_id, x.completed, x.seconds_to_complete, x.test_runs, x.tests_passed, x.tests_total
      FROM katas k
      LEFT JOIN kata_rooms kr ON kr.tenant_id = $1 AND kr.kata_id = k.id
      LEFT JOIN kata_results x ON x.tenant_id = $1 AND x.room_id = kr.id
     WHERE k.tenant_id = $1
       AND k.started_at >= (($2::date)::timestamp AT TIME ZONE $4) AND k.started_at < (($3::date + 1)::timestamp AT TIME ZONE $4)
       AND ($5::uuid IS NULL OR kr.id IN (SELECT m.room_id FROM kata_room_members m WHERE m.tenant_id = $1 AND m.user_id = $5))
  )
  SELECT grouping(exercise_key) = 0 AS by_exercise, grouping(language_key) = 0 AS by_language,
         (array_agg(exercise_id))[1]::text AS exercise_id, min(title) AS title, min(language) AS language,
         count(DISTINCT kata_id)::int AS katas,
         count(room_id)::int AS rooms,
         count(*) FILTER (WHERE completed)::int AS completed_rooms,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds_to_complete) FILTER (WHERE completed) AS median,
         coalesce(sum(test_runs), 0)::int AS test_runs,
         coalesce(sum(tests_passed), 0)::int AS tests_passed,
         coalesce(sum(tests_total), 0)::int AS tests_total
    FROM r
   GROUP BY GROUPING SETS ((), (exercise_key), (language_key))`;

interface Row {
  by_exercise: boolean;
  by_language: boolean;
  exercise_id: string | null;
  title: string;
  language: string;
  katas: number;
  rooms: number;
  completed_rooms: number;
  median: number | null;
  test_runs: number;
  tests_passed: number;
  tests_total: number;
}

const ratio = (n: number, d: number) => (d > 0 ? n / d : null);

function figures(row: Row | undefined): KataFigures {
  if (!row) return { katas: 0, rooms: 0, completed_rooms: 0, completion_rate: null, median_seconds_to_complete: null, test_runs: 0, tests_passed: 0, tests_total: 0, test_pass_rate: null };
  return {
    katas: row.katas,
    rooms: row.rooms,
    completed_rooms: row.completed_rooms,
    completion_rate: ratio(row.completed_rooms, row.rooms),
    median_seconds_to_complete: row.median === null ? null : Number(row.median),
    test_runs: row.test_runs,
    tests_passed: row.tests_passed,
    tests_total: row.tests_total,
    test_pass_rate: ratio(row.tests_passed, row.tests_total),
  };
}

const byRooms = <T extends { rooms: number; katas: number }>(a: T, b: T) => b.rooms - a.rooms || b.katas - a.katas;

export async function loadKataAnalytics(sql: Sql, q: { tenantId: string; from: string; to: string; timeZone: string; userId: string | null }): Promise<KataAnalytics> {
  const rows = await sql.tenant(q.tenantId, () => sql.rows<Row>(KATAS, [q.tenantId, q.from, q.to, q.timeZone, q.userId]));
  // With no kata in the range the grand total has no row of its own: it is all zeros.
  const total = rows.find((r) => !r.by_exercise && !r.by_language && r.katas > 0);
  return {
    totals: figures(total),
    by_exercise: rows
      .filter((r) => r.by_exercise)
      .map((r) => ({ exercise_id: r.exercise_id, title: r.title, language: r.language, ...figures(r) }))
      .sort((a, b) => byRooms(a, b) || a.title.localeCompare(b.title)),
    by_language: rows
      .filter((r) => r.by_language)
      .map((r) => ({ language: r.language, ...figures(r) }))
      .sort((a, b) => byRooms(a, b) || a.language.localeCompare(b.language)),
  };
}
