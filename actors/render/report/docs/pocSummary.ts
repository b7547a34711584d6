import { EXPORT_TEXTS } from '../../locale/exportTexts';
import { TEXTS } from '../../locale/texts';
import { loadPocSummary } from '../../dashboard/pocSummary';
import { count, date, docBase, text, type ReportDoc } from '../ReportDoc';
import type { DocContext } from './context';

/** One POC's summary as a report (the POC was checked visible when the export was asked). */
export async function pocSummaryDoc(ctx: DocContext): Promise<ReportDoc> {
  const { head } = docBase(ctx.locale, new Date());
  const t = EXPORT_TEXTS[ctx.locale.locale].poc;
  const yes = TEXTS[ctx.locale.locale];
  const p = await loadPocSummary(ctx.sql, ctx.viewer, ctx.options.poc_id ?? '');
  return {
    ...head,
    title: ctx.options.title ?? t.title,
    subtitle: p.name,
    sections: [
      {
        id: 'poc',
        title: p.name,
        layout: 'figures',
        columns: [text('language', t.language), text('owner', t.owner), count('favourites', t.favourites), date('created', t.created), text('public', t.public)],
        rows: [[p.language, `${p.owner.name} (@${p.owner.username})`, p.favourites, new Date(p.created), p.is_public ? yes.yes : yes.no]],
      },
      { id: 'tags', title: t.tags, columns: [text('tag', t.tags)], rows: p.tags.map((tag) => [tag]), empty: head.nothing },
      { id: 'frameworks', title: t.frameworks, columns: [text('framework', t.frameworks)], rows: p.frameworks.map((f) => [f]), empty: head.nothing },
    ],
  };
}
