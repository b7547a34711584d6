import { EXPORT_TEXTS } from '../../locale/exportTexts';
import { dateRange } from '../../dashboard/range';
import { sliceOf } from '../../dashboard/scope';
import { loadKataAnalytics, type KataFigures } from '../../dashboard/kataAnalytics';
import { count, docBase, percent, text, type Cell, type Column, type ReportDoc } from '../ReportDoc';
import type { DocContext } from './context';

/**
 * The kata analytics dashboard as a report: totals, then by exercise (with a chart of the rooms
 * each exercise had completed) and by language. Median times are shown in minutes.
 */
export async function kataDoc(ctx: DocContext): Promise<ReportDoc> {
  const { fmt, head } = docBase(ctx.locale, new Date());
  const all = EXPORT_TEXTS[ctx.locale.locale];
  const t = all.katas;
  const { from, to } = dateRange(ctx.options, ctx.locale.timeZone);
  const k = await loadKataAnalytics(ctx.sql, { tenantId: ctx.viewer.tenantId, from, to, timeZone: ctx.locale.timeZone, userId: sliceOf(ctx.viewer) });
  const columns: Column[] = [
    count('katas', t.katas),
    count('rooms', t.rooms),
    count('completed_rooms', t.completed),
    percent('completion_rate', t.completionRate),
    count('median_minutes', t.medianMinutes),
    count('test_runs', t.testRuns),
    percent('test_pass_rate', t.passRate),
  ];
  const cells = (f: KataFigures): Cell[] => [
    f.katas,
    f.rooms,
    f.completed_rooms,
    f.completion_rate ?? '',
    f.median_seconds_to_complete === null ? '' : Math.round(f.median_seconds_to_complete / 6) / 10,
    f.test_runs,
    f.test_pass_rate ?? '',
  ];
  return {
    ...head,
    title: ctx.options.title ?? t.title,
    subtitle: all.range(fmt.date(from), fmt.date(to)),
    sections: [
      { id: 'totals', title: t.totals, layout: 'figures', columns, rows: [cells(k.totals)] },
      {
        id: 'by_exercise',
        title: t.byExercise,
        // Label: the exercise; value: its rooms completed.
        chart: { label: 0, value: 4 },
        columns: [text('exercise', t.exercise), text('language', t.language), ...columns],
        rows: k.by_exercise.map((e) => [e.title, e.language, ...cells(e)]),
        empty: head.nothing,
      },
      { id: 'by_language', title: t.byLanguage, columns: [text('language', t.language), ...columns], rows: k.by_language.map((l) => [l.language, ...cells(l)]), empty: head.nothing },
    ],
  };
}
