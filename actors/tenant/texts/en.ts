import { REPORT_NAMES } from '../../../protocol/rest/reports';
import type { Texts } from './types';

export const en: Texts = {
  notices: {
    'dojo.invited': (a) => ({ title: `You are invited to a dojo: ${a.subject}`, body: `On ${a.when}. Join code ${a.joinCode}.` }),
    'dojo.starting': (a) => ({ title: `The dojo has started: ${a.subject}`, body: 'Join now from the app.' }),
    'dojo.removed': (a) => ({ title: `You were removed from the dojo: ${a.subject}`, body: '' }),
    'dojo.readmitted': (a) => ({ title: `You may join the dojo again: ${a.subject}`, body: '' }),
    'video.ready': (a) => ({ title: `Your ${a.year} POC video is ready`, body: 'Watch it or download it from your videos.' }),
    'video.failed': (a) => ({ title: `Your ${a.year} POC video could not be made`, body: a.error }),
    'report.ready': (a) => ({ title: `${a.report} is ready`, body: `Your ${a.format} is ready to download.` }),
    'report.failed': (a) => ({ title: `${a.report} could not be made`, body: a.error }),
    'export.ready': () => ({ title: 'Your data export is ready', body: 'Download it from the app within the next days.' }),
    'export.failed': (a) => ({ title: 'Your data export could not be made', body: a.error }),
  },
  reports: REPORT_NAMES,
  mail: {
    hello: (name) => `Hello ${name},`,
    open: (url) => `Open pocdojo: ${url}`,
    optOut: 'You can switch these mails off in your notification preferences.',
  },
  invitation: (tenant) => ({
    greeting: 'Hello,',
    subject: `You are invited to ${tenant} on pocdojo`,
    intro: [`You are invited to join ${tenant} on pocdojo.`, 'Create your account by opening this link:'],
    outro: ['The link works once and expires in 7 days.', 'If you did not expect this, ignore this mail.'],
  }),
};
