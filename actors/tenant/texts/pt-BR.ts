import type { Texts } from './types';

export const ptBR: Texts = {
  notices: {
    'dojo.invited': (a) => ({ title: `Você foi convidado para um dojo: ${a.subject}`, body: `Em ${a.when}. Código de acesso ${a.joinCode}.` }),
    'dojo.starting': (a) => ({ title: `O dojo começou: ${a.subject}`, body: 'Entre agora pelo aplicativo.' }),
    'dojo.removed': (a) => ({ title: `Você foi removido do dojo: ${a.subject}`, body: '' }),
    'dojo.readmitted': (a) => ({ title: `Você pode entrar de novo no dojo: ${a.subject}`, body: '' }),
    'dojo.rescheduled': (a) => ({ title: `O dojo mudou de data: ${a.subject}`, body: `Agora em ${a.when}.` }),
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
  account: {
    confirmation: (tenant) => ({
      subject: `Confirme sua conta de ${tenant} no pocdojo`,
      intro: ['Confirme sua conta abrindo este link:'],
      outro: ['O link funciona uma vez e expira em 24 horas.', 'Se você não se cadastrou, ignore este e-mail.'],
    }),
    reset: (tenant) => ({
      subject: `Redefina sua senha de ${tenant} no pocdojo`,
      intro: ['Escolha uma nova senha abrindo este link:'],
      outro: ['O link funciona uma vez e expira em 1 hora.', 'Se você não pediu isto, ignore este e-mail: sua senha continua a mesma.'],
    }),
    emailChange: {
      subject: 'Confirme seu novo endereço no pocdojo',
      intro: ['Confirme que este é seu novo endereço abrindo este link:'],
      outro: ['O link funciona uma vez e expira em 24 horas.', 'Se você não pediu isto, ignore este e-mail.'],
    },
    emailChanged: (email) => ({
      subject: 'Seu endereço no pocdojo foi alterado',
      lines: [`O e-mail da sua conta agora é ${email}.`, 'Se não foi você, redefina sua senha e avise um administrador da sua equipe.'],
    }),
    lockout: (a) => ({
      subject: `Tentativas de acesso à sua conta de ${a.tenantName} no pocdojo`,
      lines: [
        `Alguém digitou senhas erradas para sua conta "${a.username}" muitas vezes.`,
        `Por cerca de ${a.minutes} minutos, os acessos de lugares de onde você nunca`,
        'entrou serão recusados. Do seu dispositivo e rede de costume você ainda pode entrar.',
        '',
        'Se não foi você, nada foi revelado; considere escolher uma senha mais longa.',
      ],
    }),
    exists: (a) => ({
      subject: `Você já tem uma conta de ${a.tenantName} no pocdojo`,
      lines: [
        'Alguém, talvez você, tentou criar uma nova conta com este endereço de e-mail.',
        `Ele já pertence à sua conta "${a.username}"; nenhuma conta nova foi criada.`,
        `Entre em ${a.url}.`,
        '',
        'Se não foi você, ignore este e-mail.',
      ],
    }),
  },
};
