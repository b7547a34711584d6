import { EXPORT_TEXTS } from '../../locale/exportTexts';
import { dateRange } from '../../dashboard/range';
import { sliceOf } from '../../dashboard/scope';
import { loadUsage, type UsageFigures } from '../../dashboard/usage';
import { count, docBase, type Column, type ReportDoc } from '../ReportDoc';
import type { DocContext } from './context';

/** The usage dashboard as a report: totals, then one row per period with a chart of active users. */
export async function usageDoc(ctx: DocContext): Promise<ReportDoc> {
  const { fmt, head } = docBase(ctx.locale, new Date());
  const t = EXPORT_TEXTS[ctx.locale.locale];
  const { from, to } = dateRange(ctx.options, ctx.locale.timeZone);
  const groupBy = ctx.options.group_by ?? 'month';
  const usage = await loadUsage(ctx.sql, {
    tenantId: ctx.viewer.tenantId,
    from,
    to,
    timeZone: ctx.locale.timeZone,
    groupBy,
    userId: sliceOf(ctx.viewer),
    tags: ctx.options.tags,
    excludeTags: ctx.options.exclude_tags,
  });
  const u = t.usage;
  const figures: Array<[keyof UsageFigures, string]> = [
    ['active_users', u.activeUsers],
    ['logins', u.logins],
    ['pocs_created', u.pocsCreated],
    ['dojos_held', u.dojosHeld],
    ['dojo_minutes', u.dojoMinutes],
    ['katas_run', u.katasRun],
    ['renders', u.renders],
  ];
  const columns: Column[] = figures.map(([key, label]) => count(key, label));
  const month = groupBy === 'month';
  return {
    ...head,
    title: ctx.options.title ?? u.title,
    subtitle: t.range(fmt.date(from), fmt.date(to)),
    sections: [
      { id: 'totals', title: u.totals, layout: 'figures', columns, rows: [figures.map(([key]) => usage.totals[key])] },
      {
        id: 'periods',
        title: u.periods,
        chart: { label: 0, value: 1 },
        columns: [{ key: 'period', label: u.period, type: month ? 'month' : 'date' }, ...columns],
        rows: usage.buckets.map((b) => [month ? b.start.slice(0, 7) : b.start, ...figures.map(([key]) => b[key])]),
      },
    ],
  };
}
