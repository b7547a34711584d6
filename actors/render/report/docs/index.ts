import { AnnualData } from '../AnnualData';
import { BillingData } from '../BillingData';
import { annualDoc, billingDoc } from '../ReportDoc';
import type { ReportType } from '../../types';
import type { DocBuilder } from './context';
import { kataDoc } from './kata';
import { dojosDoc, usersDoc } from './listings';
import { overviewDoc } from './overview';
import { pocSummaryDoc } from './pocSummary';
import { usageDoc } from './usage';

export type { DocContext } from './context';

/**
 * Each report type's document: one builder per type, whatever the format. A new type (kata
 * analytics) is one more builder file and one more line here.
 */
export const DOC_BUILDERS: Record<ReportType, DocBuilder> = {
  ANNUAL: async (ctx) => {
    const year = ctx.year ?? Number((ctx.options.from ?? new Date().toISOString()).slice(0, 4));
    const doc = annualDoc(await new AnnualData(ctx.sql).load(ctx.viewer.tenantId, year, ctx.locale.timeZone, { tags: ctx.options.tags, excludeTags: ctx.options.exclude_tags }), ctx.locale);
    return ctx.options.title ? { ...doc, title: ctx.options.title } : doc;
  },
  BILLING: async (ctx) => {
    const doc = billingDoc(await new BillingData(ctx.sql).load(ctx.viewer.tenantId), ctx.locale);
    return ctx.options.title ? { ...doc, title: ctx.options.title } : doc;
  },
  USAGE: usageDoc,
  KATA_ANALYTICS: kataDoc,
  POC_SUMMARY: pocSummaryDoc,
  TENANT_OVERVIEW: overviewDoc,
  DOJOS: dojosDoc,
  USERS: usersDoc,
};
