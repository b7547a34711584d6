import type { Texts } from './types';

export const ptBR: Texts = {
  notices: {
    'dojo.invited': (a) => ({ title: `Você foi convidado para um dojo: ${a.subject}`, body: `Em ${a.when}. Código de acesso ${a.joinCode}.` }),
    'dojo.starting': (a) => ({ title: `O dojo começou: ${a.subject}`, body: 'Entre agora pelo aplicativo.' }),
    'dojo.removed': (a) => ({ title: `Você foi removido do dojo: ${a.subject}`, body: '' }),
    'dojo.readmitted': (a) => ({ title: `Você pode entrar de novo no dojo: ${a.subject}`, body: '' }),
    'video.ready': (a) => ({ title: `Seu vídeo de POCs de ${a.year} está pronto`, body: 'Assista ou baixe em seus vídeos.' }),
    'video.failed': (a) => ({ title: `Não foi possível gerar seu vídeo de POCs de ${a.year}`, body: a.error }),
    'report.ready': (a) => ({ title: `${a.report}: pronto`, body: `Seu ${a.format} está pronto para baixar.` }),
    'report.failed': (a) => ({ title: `${a.report}: não foi possível gerar`, body: a.error }),
    'export.ready': () => ({ title: 'A exportação dos seus dados está pronta', body: 'Baixe-a pelo aplicativo nos próximos dias.' }),
    'export.failed': (a) => ({ title: 'Não foi possível exportar seus dados', body: a.error }),
  },
  reports: {
    ANNUAL: 'Relatório anual',
    BILLING: 'Relatório de cobrança',
    USAGE: 'Relatório de uso',
    KATA_ANALYTICS: 'Análise de katas',
    POC_SUMMARY: 'Resumo da POC',
    TENANT_OVERVIEW: 'Visão geral da organização',
    DOJOS: 'Exportação de dojos',
    USERS: 'Exportação de usuários',
  },
  mail: {
    hello: (name) => `Olá, ${name},`,
    open: (url) => `Abra o pocdojo: ${url}`,
    optOut: 'Você pode desativar estes e-mails nas suas preferências de notificação.',
  },
  invitation: (tenant) => ({
    greeting: 'Olá,',
    subject: `Você foi convidado para ${tenant} no pocdojo`,
    intro: [`Você foi convidado para participar de ${tenant} no pocdojo.`, 'Crie sua conta abrindo este link:'],
    outro: ['O link funciona uma vez e expira em 7 dias.', 'Se você não esperava este e-mail, ignore-o.'],
  }),
};
