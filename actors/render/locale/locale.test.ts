import test from 'ava';
import { resolveFonts } from '../fonts';
import { composeSlides } from '../video/Slides';
import { TextLayout } from '../video/TextLayout';
import { Formatter } from './format';
import { DEFAULT_LOCALE } from './settings';

// Intl separates the currency symbol with a no-break space; a reader sees a space.
const plain = (s: string) => s.replace(/\u00a0/g, ' ');
const ptBR = new Formatter(DEFAULT_LOCALE);
const en = new Formatter({ ...DEFAULT_LOCALE, locale: 'en' });

test('pt-BR money, numbers and dates; English beside it', (t) => {
  t.is(plain(ptBR.money(1234.56)), 'R$ 1.234,56');
  t.is(ptBR.count(1234567), '1.234.567');
  t.is(ptBR.count(0.5), '0,50');
  t.is(en.money(1234.56), 'R$1,234.56');
  t.is(en.count(1234567), '1,234,567');
  // 01:30 UTC on 1 January is 22:30 on 31 December in São Paulo.
  const newYear = new Date('2026-01-01T01:30:00Z');
  t.is(ptBR.date(newYear), '31/12/2025');
  t.is(ptBR.isoDate(newYear), '2025-12-31');
  t.is(en.date(newYear), '12/31/25');
  // A calendar day given as text stays that day.
  t.is(ptBR.date('2025-03-01'), '01/03/2025');
  t.is(ptBR.month('2025-01'), 'janeiro de 2025');
  t.is(en.monthShort('2025-12'), 'Dec');
});

test('the yearly video speaks the tenant language and dates POCs on its calendar', (t) => {
  const figures = {
    firstName: 'Ana',
    lastName: 'Souza',
    username: 'ana',
    tenantName: 'Acme',
    year: 2025,
    total: 1,
    languages: [{ name: 'Go', count: 1 }],
    tags: [{ name: 'cli', count: 1 }],
    pocs: [{ name: 'Eve', language: 'Go', tags: ['cli'], frameworks: [], description: '', repoUrl: 'https://git.example.com/eve', created: new Date('2026-01-01T02:30:00Z') }],
  };
  const layout = new TextLayout(resolveFonts());
  const words = (locale = DEFAULT_LOCALE) =>
    composeSlides(figures, layout, locale)
      .flatMap((s) => s.texts.flatMap((b) => b.lines))
      .join('\n');
  const pt = words();
  t.true(pt.includes('POC 1 de 1 · 31/12/2025'), pt);
  t.true(pt.includes('Linguagem: Go'));
  t.true(pt.includes('Assim foi 2025'));
  t.true(words({ ...DEFAULT_LOCALE, locale: 'en' }).includes('That was 2025'));
});
