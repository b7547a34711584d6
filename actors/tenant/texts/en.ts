import { REPORT_NAMES } from '../../../protocol/rest/reports';
import type { Texts } from './types';

export const en: Texts = {
  notices: {
    'dojo.invited': (a) => ({ title: `You are invited to a dojo: ${a.subject}`, body: `On ${a.when}. Join code ${a.joinCode}.` }),
    'dojo.starting': (a) => ({ title: `The dojo has started: ${a.subject}`, body: 'Join now from the app.' }),
    'dojo.removed': (a) => ({ title: `You were removed from the dojo: ${a.subject}`, body: '' }),
    'dojo.readmitted': (a) => ({ title: `You may join the dojo again: ${a.subject}`, body: '' }),
    'dojo.rescheduled': (a) => ({ title: `The dojo was rescheduled: ${a.subject}`, body: `Now on ${a.when}.` }),
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
  account: {
    confirmation: (tenant) => ({
      subject: `Confirm your ${tenant} account on pocdojo`,
      intro: ['Confirm your account by opening this link:'],
      outro: ['The link works once and expires in 24 hours.', 'If you did not sign up, ignore this mail.'],
    }),
    reset: (tenant) => ({
      subject: `Reset your ${tenant} password on pocdojo`,
      intro: ['Choose a new password by opening this link:'],
      outro: ['The link works once and expires in 1 hour.', 'If you did not ask for this, ignore this mail: your password stays as it is.'],
    }),
    emailChange: {
      subject: 'Confirm your new address on pocdojo',
      intro: ['Confirm that this is your new address by opening this link:'],
      outro: ['The link works once and expires in 24 hours.', 'If you did not ask for this, ignore this mail.'],
    },
    emailChanged: (email) => ({
      subject: 'Your pocdojo address was changed',
      lines: [`Your account's email address is now ${email}.`, 'If you did not do this, reset your password and tell an admin of your team.'],
    }),
    lockout: (a) => ({
      subject: `Sign-in attempts on your ${a.tenantName} account on pocdojo`,
      lines: [
        `Someone entered wrong passwords for your account "${a.username}" many times.`,
        `For about ${a.minutes} minutes, sign-ins are refused from places you never`,
        'signed in from. From your usual device and network you can still sign in.',
        '',
        'If this was not you, nothing has been given away; consider choosing a',
        'longer password.',
      ],
    }),
    exists: (a) => ({
      subject: `You already have a ${a.tenantName} account on pocdojo`,
      lines: [
        'Someone, perhaps you, tried to create a new account with this email address.',
        `It already belongs to your account "${a.username}"; no new account was made.`,
        `Sign in at ${a.url} instead.`,
        '',
        'If this was not you, ignore this mail.',
      ],
    }),
  },
};
