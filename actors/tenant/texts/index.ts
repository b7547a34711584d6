import type { NotificationRequest } from '../Notifications';
import { en } from './en';
import { ptBR } from './pt-BR';
import { NOTICE_TYPES, type Locale, type NoticeArgs, type NoticeType, type Texts } from './types';

export type { Locale, Texts } from './types';

/** A tenant speaks pt-BR unless its admin chose otherwise (migration 530's default). */
export const DEFAULT_LOCALE: Locale = 'pt-BR';

const TEXTS: Record<Locale, Texts> = { en, 'pt-BR': ptBR };

/** How the tenant writes to its users: its language and the time zone its dates are told in. */
export interface TenantVoice {
  locale: Locale;
  timeZone: string;
}

/** The tenant an account mail speaks for: its name goes in the text, its locale picks the words. */
export interface MailingTenant {
  name: string;
  /** Unknown (undefined) speaks the default. */
  locale?: string;
}

export function textsOf(locale: string | undefined): Texts {
  return TEXTS[locale as Locale] ?? TEXTS[DEFAULT_LOCALE];
}

/** The data a type's text is made of: without it (an emitter of another build) the emitter's words stay. */
const NEEDS: Record<NoticeType, readonly string[]> = {
  'dojo.invited': ['subject', 'dojoDate', 'joinCode'],
  'dojo.starting': ['subject'],
  'dojo.removed': ['subject'],
  'dojo.readmitted': ['subject'],
  'dojo.rescheduled': ['subject', 'dojoDate'],
  'video.ready': ['year'],
  'video.failed': ['year'],
  'report.ready': ['type', 'format'],
  'report.failed': ['type'],
  'export.ready': [],
  'export.failed': [],
};

const isNoticeType = (type: string): type is NoticeType => (NOTICE_TYPES as readonly string[]).includes(type);

/**
 * The request with its title and body in the tenant's language. Emitters (dojo-room, render, the
 * export job) send the type with the data its text is made of, and an English text; this is
 * where texts are chosen, so a type this table does not know keeps the emitter's words, and so
 * does a notice without the data its text needs (NEEDS).
 */
export function localize(req: NotificationRequest, voice: TenantVoice): NotificationRequest {
  if (!isNoticeType(req.type)) return req;
  const texts = textsOf(voice.locale);
  const data = req.data ?? {};
  const str = (key: string) => {
    const v = data[key];
    return typeof v === 'string' || typeof v === 'number' ? String(v) : '';
  };
  if (NEEDS[req.type].some((key) => !str(key))) return req;
  const type = str('type');
  const year = str('year');
  const name = texts.reports[type as keyof Texts['reports']] ?? type;
  const args: NoticeArgs = {
    subject: str('subject'),
    when: dateIn(str('dojoDate'), voice),
    joinCode: str('joinCode'),
    year,
    report: type === 'ANNUAL' && year ? `${name} ${year}` : name,
    format: str('format').toUpperCase(),
    error: req.body ?? '',
  };
  return { ...req, ...texts.notices[req.type](args) };
}

/** "segunda-feira, 21 de dezembro de 2026 às 07:00" in the tenant's zone (UTC when the zone is unknown here). */
function dateIn(iso: string, voice: TenantVoice): string {
  const date = new Date(iso);
  if (!iso || Number.isNaN(date.getTime())) return iso;
  const format = (timeZone: string) => new Intl.DateTimeFormat(voice.locale, { dateStyle: 'full', timeStyle: 'short', timeZone }).format(date);
  try {
    return format(voice.timeZone);
  } catch {
    return format('UTC');
  }
}
