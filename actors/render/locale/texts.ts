import type { ReportLanguage } from './settings';

/** Every word a report or a video slide shows, per language. Figures are formatted by Formatter. */
export interface Texts {
  generated: (when: string, timeZone: string) => string;
  nothing: string;
  yes: string;
  no: string;
  annual: {
    title: (year: number) => string;
    summary: string;
    pocs: string;
    authors: string;
    languages: string;
    dojosHeld: string;
    dojoParticipants: string;
    dojoMinutes: string;
    videos: string;
    perMonth: string;
    month: string;
    perLanguage: string;
    language: string;
    noPocs: string;
    topTags: string;
    tag: string;
    noTags: string;
    topFrameworks: string;
    framework: string;
    noFrameworks: string;
    activeUsers: string;
    user: string;
    name: string;
    dojosAttended: string;
    nobody: string;
    dojos: string;
    date: string;
    subject: string;
    participants: string;
    minutes: string;
    noDojos: string;
    firstDojos: (shown: number, total: number) => string;
  };
  billing: {
    title: string;
    plan: string;
    planNames: { M: string; Y: string; none: string };
    price: string;
    currency: string;
    expires: string;
    autorenew: string;
    active: string;
    paid: string;
    total: string;
    nothingPaid: string;
    payments: string;
    date: string;
    gateway: string;
    status: string;
    noPayments: string;
  };
  video: {
    noPocs: string;
    maybeNext: (year: number) => string;
    seeYou: string;
    pocs: (n: string, count: number) => string;
    languages: (n: string, count: number) => string;
    pocOf: (index: string, total: string, date: string) => string;
    language: (name: string) => string;
    tags: (list: string) => string;
    frameworks: (list: string) => string;
    thatWas: (year: number) => string;
    inLanguages: (pocs: string, languages: string) => string;
    mostUsed: (name: string, pocs: string) => string;
    topTags: (list: string) => string;
    notShown: (n: string, count: number) => string;
    keepBuilding: (firstName: string) => string;
  };
}

const plural = (n: string, count: number, one: string, many: string) => `${n} ${count === 1 ? one : many}`;

const EN: Texts = {
  generated: (when, zone) => `generated ${when} (${zone})`,
  nothing: 'Nothing to show.',
  yes: 'yes',
  no: 'no',
  annual: {
    title: (year) => `Annual report ${year}`,
    summary: 'The year in figures',
    pocs: 'POCs',
    authors: 'Authors',
    languages: 'Languages',
    dojosHeld: 'Dojos held',
    dojoParticipants: 'Dojo participants',
    dojoMinutes: 'Dojo minutes',
    videos: 'Videos generated',
    perMonth: 'POCs per month',
    month: 'Month',
    perLanguage: 'POCs per language',
    language: 'Language',
    noPocs: 'No POCs this year.',
    topTags: 'Top tags',
    tag: 'Tag',
    noTags: 'No tags this year.',
    topFrameworks: 'Top frameworks',
    framework: 'Framework',
    noFrameworks: 'No frameworks this year.',
    activeUsers: 'Most active users',
    user: 'User',
    name: 'Name',
    dojosAttended: 'Dojos attended',
    nobody: 'Nobody registered a POC this year.',
    dojos: 'Dojos held',
    date: 'Date',
    subject: 'Subject',
    participants: 'Participants',
    minutes: 'Minutes',
    noDojos: 'No dojos this year.',
    firstDojos: (shown, total) => `The first ${shown} of ${total} dojos; the totals count them all.`,
  },
  billing: {
    title: 'Billing report',
    plan: 'Plan',
    planNames: { M: 'Monthly', Y: 'Yearly', none: 'None' },
    price: 'Price',
    currency: 'Currency',
    expires: 'Expires',
    autorenew: 'Renews automatically',
    active: 'Active',
    paid: 'Paid in total',
    total: 'Total',
    nothingPaid: 'Nothing paid yet.',
    payments: 'Payments',
    date: 'Date',
    gateway: 'Gateway',
    status: 'Status',
    noPayments: 'No payments.',
  },
  video: {
    noPocs: 'No POCs this year',
    maybeNext: (year) => `Maybe ${year} is the one.`,
    seeYou: 'See you at the next dojo!',
    pocs: (n, count) => plural(n, count, 'POC', 'POCs'),
    languages: (n, count) => plural(n, count, 'language', 'languages'),
    pocOf: (index, total, date) => `POC ${index} of ${total} · ${date}`,
    language: (name) => `Language: ${name}`,
    tags: (list) => `Tags: ${list}`,
    frameworks: (list) => `Frameworks: ${list}`,
    thatWas: (year) => `That was ${year}`,
    inLanguages: (pocs, languages) => `${pocs} in ${languages}`,
    mostUsed: (name, pocs) => `Most used: ${name} (${pocs})`,
    topTags: (list) => `Top tags: ${list}`,
    notShown: (n, count) => `(${plural(n, count, 'more POC', 'more POCs')} not shown)`,
    keepBuilding: (firstName) => `Keep building, ${firstName}!`,
  },
};

const PT_BR: Texts = {
  generated: (when, zone) => `gerado em ${when} (${zone})`,
  nothing: 'Nada a mostrar.',
  yes: 'sim',
  no: 'não',
  annual: {
    title: (year) => `Relatório anual ${year}`,
    summary: 'O ano em números',
    pocs: 'POCs',
    authors: 'Autores',
    languages: 'Linguagens',
    dojosHeld: 'Dojos realizados',
    dojoParticipants: 'Participantes de dojos',
    dojoMinutes: 'Minutos de dojo',
    videos: 'Vídeos gerados',
    perMonth: 'POCs por mês',
    month: 'Mês',
    perLanguage: 'POCs por linguagem',
    language: 'Linguagem',
    noPocs: 'Nenhuma POC neste ano.',
    topTags: 'Tags mais usadas',
    tag: 'Tag',
    noTags: 'Nenhuma tag neste ano.',
    topFrameworks: 'Frameworks mais usados',
    framework: 'Framework',
    noFrameworks: 'Nenhum framework neste ano.',
    activeUsers: 'Usuários mais ativos',
    user: 'Usuário',
    name: 'Nome',
    dojosAttended: 'Dojos frequentados',
    nobody: 'Ninguém registrou uma POC neste ano.',
    dojos: 'Dojos realizados',
    date: 'Data',
    subject: 'Assunto',
    participants: 'Participantes',
    minutes: 'Minutos',
    noDojos: 'Nenhum dojo neste ano.',
    firstDojos: (shown, total) => `Os primeiros ${shown} de ${total} dojos; os totais contam todos.`,
  },
  billing: {
    title: 'Relatório de cobrança',
    plan: 'Plano',
    planNames: { M: 'Mensal', Y: 'Anual', none: 'Nenhum' },
    price: 'Preço',
    currency: 'Moeda',
    expires: 'Vence em',
    autorenew: 'Renovação automática',
    active: 'Ativo',
    paid: 'Total pago',
    total: 'Total',
    nothingPaid: 'Nada pago ainda.',
    payments: 'Pagamentos',
    date: 'Data',
    gateway: 'Gateway',
    status: 'Situação',
    noPayments: 'Nenhum pagamento.',
  },
  video: {
    noPocs: 'Nenhuma POC neste ano',
    maybeNext: (year) => `Quem sabe ${year} seja o ano.`,
    seeYou: 'Até o próximo dojo!',
    pocs: (n, count) => plural(n, count, 'POC', 'POCs'),
    languages: (n, count) => plural(n, count, 'linguagem', 'linguagens'),
    pocOf: (index, total, date) => `POC ${index} de ${total} · ${date}`,
    language: (name) => `Linguagem: ${name}`,
    tags: (list) => `Tags: ${list}`,
    frameworks: (list) => `Frameworks: ${list}`,
    thatWas: (year) => `Assim foi ${year}`,
    inLanguages: (pocs, languages) => `${pocs} em ${languages}`,
    mostUsed: (name, pocs) => `Mais usada: ${name} (${pocs})`,
    topTags: (list) => `Tags mais usadas: ${list}`,
    notShown: (n, count) => `(${plural(n, count, 'POC a mais não mostrada', 'POCs a mais não mostradas')})`,
    keepBuilding: (firstName) => `Continue construindo, ${firstName}!`,
  },
};

export const TEXTS: Record<ReportLanguage, Texts> = { en: EN, 'pt-BR': PT_BR };
