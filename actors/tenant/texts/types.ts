import type { EXPORT_TYPES } from '../../../protocol/rest/reports';

/** The languages a tenant speaks (PUT /v1/tenant settings.locale; pt-BR unless its admin says otherwise). */
export type Locale = 'pt-BR' | 'en';

/** What a notification's text is made of, read from its request (NoticeArgs in index.ts). */
export interface NoticeArgs {
  /** The dojo's subject. */
  subject: string;
  /** The dojo's date, already written in the tenant's locale and time zone. */
  when: string;
  joinCode: string;
  year: string;
  /** The report's name in this locale (its year included for an annual report). */
  report: string;
  /** PDF, CSV, XLSX... */
  format: string;
  /** Why a job failed, as the job said it. */
  error: string;
}

export interface NoticeText {
  title: string;
  body: string;
}

/**
 * Every text a user reads in one locale: notifications by type (stored, pushed as
 * notification.new, mailed), the frame of a notification's mail, and the invitation mail.
 * One table per locale (en.ts, pt-BR.ts), each a `Texts`, so none can miss a text.
 */
export interface Texts {
  notices: Record<NoticeType, (a: NoticeArgs) => NoticeText>;
  reports: Record<ReportType, string>;
  mail: { hello(firstName: string): string; open(url: string): string; optOut: string };
  invitation(tenantName: string): { greeting: string; subject: string; intro: string[]; outro: string[] };
  /** The account mails; each is greeted with `mail.hello`. */
  account: {
    confirmation(tenantName: string): LinkText;
    reset(tenantName: string): LinkText;
    /** To the new address, which takes effect once its link is used. */
    emailChange: LinkText;
    /** To the old address, once the change is done. */
    emailChanged(newEmail: string): PlainText;
    lockout(a: { tenantName: string; username: string; minutes: number }): PlainText;
    /** The anti-enumeration mail: a sign-up with an address that has an account already. */
    exists(a: { tenantName: string; username: string; url: string }): PlainText;
  };
}

/** A mail around a single-use link: lines before it, lines after it. */
export interface LinkText {
  subject: string;
  intro: string[];
  outro: string[];
}

export interface PlainText {
  subject: string;
  lines: string[];
}

export const NOTICE_TYPES = [
  'dojo.invited',
  'dojo.starting',
  'dojo.removed',
  'dojo.readmitted',
  'dojo.rescheduled',
  'video.ready',
  'video.failed',
  'report.ready',
  'report.failed',
  'export.ready',
  'export.failed',
] as const;
export type NoticeType = (typeof NOTICE_TYPES)[number];

export type ReportType = (typeof EXPORT_TYPES)[number];
