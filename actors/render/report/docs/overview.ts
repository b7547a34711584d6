import { EXPORT_TEXTS } from '../../locale/exportTexts';
import { loadTenantOverview } from '../../dashboard/tenantOverview';
import { billingState, count, docBase, text, type ReportDoc, type Section } from '../ReportDoc';
import type { DocContext } from './context';

/** The tenant overview dashboard as a report: one section per table of the dashboard. */
export async function overviewDoc(ctx: DocContext): Promise<ReportDoc> {
  const { t: all, head } = docBase(ctx.locale, new Date());
  const t = EXPORT_TEXTS[ctx.locale.locale].overview;
  const c = EXPORT_TEXTS[ctx.locale.locale].count;
  const o = await loadTenantOverview(ctx.sql, ctx.viewer.tenantId, { tags: ctx.options.tags, excludeTags: ctx.options.exclude_tags });
  const counts = (id: string, title: string, label: string, list: Array<{ name: string; count: number }>): Section => ({
    id,
    title,
    columns: [text('name', label), count('count', c)],
    rows: list.map((x) => [x.name, x.count]),
    empty: head.nothing,
  });
  const stored = (['recordings', 'videos', 'reports'] as const).map((what) => [t.names[what], o.storage[what].count, o.storage[what].bytes]);
  return {
    ...head,
    title: ctx.options.title ?? t.title,
    subtitle: '',
    sections: [
      counts('members_by_status', t.byStatus, t.status, o.members.by_status),
      counts('members_by_role', t.byRole, t.role, o.members.by_role),
      counts('pocs_by_language', t.pocsByLanguage, t.label, o.pocs.by_language),
      counts('pocs_by_tag', t.pocsByTag, t.label, o.pocs.by_tag),
      counts('pocs_by_framework', t.pocsByFramework, t.label, o.pocs.by_framework),
      {
        id: 'dojos',
        title: t.dojos,
        layout: 'figures',
        columns: [count('held', t.held), count('minutes', t.minutes), count('participants', t.participants), count('held_last_30_days', t.last30)],
        rows: [[o.dojos.held, o.dojos.minutes, o.dojos.participants, o.dojos.held_last_30_days]],
      },
      { id: 'storage', title: t.storage, columns: [text('what', t.what), count('files', t.files), count('bytes', t.bytes)], rows: stored },
      billingState(all.billing, o.billing, all),
    ],
  };
}
