import type { ReportLanguage } from './settings';

/** The words of the export-only report types (usage, katas, overview, POC summary, listings). */
export interface ExportTexts {
  range: (from: string, to: string) => string;
  count: string;
  usage: {
    title: string;
    totals: string;
    periods: string;
    period: string;
    activeUsers: string;
    logins: string;
    pocsCreated: string;
    dojosHeld: string;
    dojoMinutes: string;
    katasRun: string;
    renders: string;
  };
  katas: {
    title: string;
    totals: string;
    byExercise: string;
    byLanguage: string;
    exercise: string;
    language: string;
    katas: string;
    rooms: string;
    completed: string;
    completionRate: string;
    medianMinutes: string;
    testRuns: string;
    passRate: string;
  };
  overview: {
    title: string;
    byStatus: string;
    byRole: string;
    status: string;
    role: string;
    pocsByLanguage: string;
    pocsByTag: string;
    pocsByFramework: string;
    label: string;
    dojos: string;
    held: string;
    minutes: string;
    participants: string;
    last30: string;
    storage: string;
    what: string;
    files: string;
    bytes: string;
    names: { recordings: string; videos: string; reports: string };
  };
  poc: { title: string; name: string; language: string; owner: string; tags: string; frameworks: string; favourites: string; created: string; public: string };
  dojos: { title: string; date: string; subject: string; status: string; facilitator: string; participants: string; minutes: string; language: string; none: string };
  users: { title: string; username: string; name: string; email: string; role: string; status: string; created: string; pocs: string; dojos: string; lastLogin: string; none: string };
}

const EN: ExportTexts = {
  range: (from, to) => `${from} to ${to}`,
  count: 'Count',
  usage: {
    title: 'Usage report',
    totals: 'Totals',
    periods: 'Per period',
    period: 'Period',
    activeUsers: 'Active users',
    logins: 'Logins',
    pocsCreated: 'POCs created',
    dojosHeld: 'Dojos held',
    dojoMinutes: 'Dojo minutes',
    katasRun: 'Katas run',
    renders: 'Renders',
  },
  katas: {
    title: 'Kata analytics',
    totals: 'Totals',
    byExercise: 'By exercise',
    byLanguage: 'By language',
    exercise: 'Exercise',
    language: 'Language',
    katas: 'Katas run',
    rooms: 'Rooms',
    completed: 'Rooms completed',
    completionRate: 'Completion rate',
    medianMinutes: 'Median minutes to complete',
    testRuns: 'Test runs',
    passRate: 'Tests passed',
  },
  overview: {
    title: 'Tenant overview',
    byStatus: 'Members by status',
    byRole: 'Members by role',
    status: 'Status',
    role: 'Role',
    pocsByLanguage: 'POCs by language',
    pocsByTag: 'POCs by tag',
    pocsByFramework: 'POCs by framework',
    label: 'Name',
    dojos: 'Dojo activity',
    held: 'Dojos held',
    minutes: 'Minutes',
    participants: 'Participants',
    last30: 'Held in the last 30 days',
    storage: 'Storage used',
    what: 'What',
    files: 'Files',
    bytes: 'Bytes',
    names: { recordings: 'Recordings', videos: 'Videos', reports: 'Reports' },
  },
  poc: { title: 'POC summary', name: 'Name', language: 'Language', owner: 'Owner', tags: 'Tags', frameworks: 'Frameworks', favourites: 'Favourites', created: 'Created', public: 'Public' },
  dojos: { title: 'Dojos', date: 'Date', subject: 'Subject', status: 'Status', facilitator: 'Facilitator', participants: 'Participants', minutes: 'Minutes', language: 'Language', none: 'No dojos.' },
  users: {
    title: 'Users',
    username: 'User',
    name: 'Name',
    email: 'E-mail',
    role: 'Role',
    status: 'Status',
    created: 'Joined',
    pocs: 'POCs',
    dojos: 'Dojos attended',
    lastLogin: 'Last login',
    none: 'No users.',
  },
};

const PT_BR: ExportTexts = {
  range: (from, to) => `${from} a ${to}`,
  count: 'Quantidade',
  usage: {
    title: 'Relatório de uso',
    totals: 'Totais',
    periods: 'Por período',
    period: 'Período',
    activeUsers: 'Usuários ativos',
    logins: 'Acessos',
    pocsCreated: 'POCs criadas',
    dojosHeld: 'Dojos realizados',
    dojoMinutes: 'Minutos de dojo',
    katasRun: 'Katas realizados',
    renders: 'Renderizações',
  },
  katas: {
    title: 'Análise de katas',
    totals: 'Totais',
    byExercise: 'Por exercício',
    byLanguage: 'Por linguagem',
    exercise: 'Exercício',
    language: 'Linguagem',
    katas: 'Katas realizados',
    rooms: 'Salas',
    completed: 'Salas concluídas',
    completionRate: 'Taxa de conclusão',
    medianMinutes: 'Mediana de minutos para concluir',
    testRuns: 'Execuções de testes',
    passRate: 'Testes aprovados',
  },
  overview: {
    title: 'Visão geral do tenant',
    byStatus: 'Membros por situação',
    byRole: 'Membros por papel',
    status: 'Situação',
    role: 'Papel',
    pocsByLanguage: 'POCs por linguagem',
    pocsByTag: 'POCs por tag',
    pocsByFramework: 'POCs por framework',
    label: 'Nome',
    dojos: 'Atividade de dojos',
    held: 'Dojos realizados',
    minutes: 'Minutos',
    participants: 'Participantes',
    last30: 'Realizados nos últimos 30 dias',
    storage: 'Armazenamento usado',
    what: 'O quê',
    files: 'Arquivos',
    bytes: 'Bytes',
    names: { recordings: 'Gravações', videos: 'Vídeos', reports: 'Relatórios' },
  },
  poc: { title: 'Resumo da POC', name: 'Nome', language: 'Linguagem', owner: 'Dono', tags: 'Tags', frameworks: 'Frameworks', favourites: 'Favoritos', created: 'Criada em', public: 'Pública' },
  dojos: {
    title: 'Dojos',
    date: 'Data',
    subject: 'Assunto',
    status: 'Situação',
    facilitator: 'Facilitador',
    participants: 'Participantes',
    minutes: 'Minutos',
    language: 'Linguagem',
    none: 'Nenhum dojo.',
  },
  users: {
    title: 'Usuários',
    username: 'Usuário',
    name: 'Nome',
    email: 'E-mail',
    role: 'Papel',
    status: 'Situação',
    created: 'Entrou em',
    pocs: 'POCs',
    dojos: 'Dojos frequentados',
    lastLogin: 'Último acesso',
    none: 'Nenhum usuário.',
  },
};

export const EXPORT_TEXTS: Record<ReportLanguage, ExportTexts> = { en: EN, 'pt-BR': PT_BR };
