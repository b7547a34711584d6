import { randomUUID } from 'node:crypto';
import test from 'ava';
import { authed, type TestUser } from '../../test/support/accounts';
import { tenantNode } from './testing';

// The texts of what render and the export job notify, in the tenant's language: emitters send
// the type, its data and English words; the tenant actor writes them as its tenant speaks.
const fixture = tenantNode({ members: 1 });

const emit = (user: TestUser, type: string, data: Record<string, unknown>, title = 'English words', body = 'English body') =>
  fixture.app.node.broker.emit('notification.requested', { tenantId: user.tenantId, userId: user.userId, type, title, body, data, dedupeKey: randomUUID() });

async function titles(user: TestUser, count: number): Promise<Array<{ type: string; title: string; body: string }>> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const res = await fetch(`${fixture.app.url}/v1/user/notification?user_id=${user.userId}`, { headers: authed(user.token) });
    const { notifications } = (await res.json()) as { notifications: Array<{ type: string; title: string; body: string }> };
    if (notifications.length >= count || Date.now() > deadline) return notifications.map(({ type, title, body }) => ({ type, title, body }));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('render and export notices read in pt-BR (the default); a type without a text, or without its data, keeps the emitter words', async (t) => {
  const user = fixture.acme.members[0]!;
  await emit(user, 'report.ready', { reportId: randomUUID(), type: 'ANNUAL', year: 2025, format: 'pdf' });
  await emit(user, 'report.failed', { reportId: randomUUID(), type: 'BILLING', year: null, format: 'csv' }, 'x', 'the database was away');
  await emit(user, 'video.ready', { videoId: randomUUID(), year: 2025 });
  await emit(user, 'export.ready', { exportId: randomUUID() });
  await emit(user, 'kata.something', { any: 1 }, 'Kept as sent');
  await emit(user, 'video.failed', { videoId: randomUUID() }, 'No year: kept');
  const byType = (await titles(user, 6)).sort((a, b) => (a.type < b.type ? -1 : 1));
  t.deepEqual(byType, [
    { type: 'export.ready', title: 'A exportação dos seus dados está pronta', body: 'Baixe-a pelo aplicativo nos próximos dias.' },
    { type: 'kata.something', title: 'Kept as sent', body: 'English body' },
    { type: 'report.failed', title: 'Relatório de cobrança: não foi possível gerar', body: 'the database was away' },
    { type: 'report.ready', title: 'Relatório anual 2025: pronto', body: 'Seu PDF está pronto para baixar.' },
    { type: 'video.failed', title: 'No year: kept', body: 'English body' },
    { type: 'video.ready', title: 'Seu vídeo de POCs de 2025 está pronto', body: 'Assista ou baixe em seus vídeos.' },
  ]);
});
