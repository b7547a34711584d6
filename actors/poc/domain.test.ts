import test from 'ava';
import { pocCacheKey } from './cache';
import { label, labels, filtersFrom, draftFrom } from './normalize';
import { FieldValidationError } from '../../infra/errors';
import { deletesOf, indexTerms, MAX_TERM_LENGTH, NAME_WEIGHT, oneEditApart, termQuery, tokenize, typoVariants } from './text';

test('words are lower-cased, accent-free, split on anything but letters and digits, without stop words', (t) => {
  t.deepEqual(tokenize('The Café-Racer: a K8s operator for Node.js (v2)'), ['cafe', 'racer', 'k8s', 'operator', 'node', 'js', 'v2']);
  t.deepEqual(tokenize("'; DROP TABLE pocs; --"), ['drop', 'table', 'pocs']);
  t.deepEqual(tokenize('a I of the'), []);
  t.is(tokenize('x'.repeat(100))[0]?.length, MAX_TERM_LENGTH);
});

test('a word in the name outweighs the same word in the description', (t) => {
  const terms = indexTerms('Kafka bridge', 'A bridge from kafka to rabbitmq');
  t.deepEqual(Object.fromEntries(terms), { kafka: NAME_WEIGHT, bridge: NAME_WEIGHT, rabbitmq: 1 });
});

test('spelling variants are exactly one edit away (Damerau)', (t) => {
  const variants = new Set(typoVariants('python'));
  for (const typo of ['pyton', 'pytohn', 'pythin', 'pythonn', 'xpython']) t.true(variants.has(typo), typo);
  t.false(variants.has('python'));
  t.false(variants.has('pyhtonn'), 'two edits');
  t.true(typoVariants('über').includes('uber'), 'the letters of the word itself are candidates too');
});

test('the spelling dictionary finds every variant one edit away, and the check keeps exactly those', (t) => {
  for (const word of ['python', 'kafka', 'über', 'ledger', 'aabb']) {
    const keys = new Set(deletesOf(word));
    for (const variant of typoVariants(word)) {
      t.true(oneEditApart(word, variant), `${word} ~ ${variant}`);
      // SymSpell: a term one edit away shares a key (itself or one deletion) with the word.
      if (variant.length >= 3)
        t.true(
          deletesOf(variant).some((k) => keys.has(k)),
          `${word} and ${variant} share a key`,
        );
    }
  }
  for (const [a, b] of [
    ['python', 'python'],
    ['python', 'pyhtonn'],
    ['python', 'pythonxx'],
    ['kafka', 'kfkaa'],
    ['ledger', 'lgdeer'],
  ]) {
    t.false(oneEditApart(a as string, b as string), `${a} !~ ${b}`);
  }
  t.true(oneEditApart('ledger', 'legder'));
  t.true(oneEditApart('ledger', 'ledgers'));
  t.true(oneEditApart('ledgers', 'ledger'));
});

test('a query probes each word, a prefix of the last one, and typo variants of long enough words', (t) => {
  const query = termQuery('go kubernetes');
  t.is(query.words, 2);
  const go = query.probes.filter((p) => p.word === 0);
  t.deepEqual(
    go.map((p) => p.lo),
    ['go'],
    'short words: no typo, no prefix',
  );
  const kube = query.probes.filter((p) => p.word === 1);
  t.true(kube.some((p) => p.lo === 'kubernetes' && !p.typo && p.score === 1));
  t.true(
    kube.some((p) => p.lo === 'kubernetes\u0001' && p.hi === 'kubernetes\u{10FFFF}'),
    'prefix range',
  );
  t.true(kube.some((p) => p.lo === 'kubernets' && p.typo));
  t.is(termQuery('the of').words, 0);
});

test('labels keep the first spelling and match by a case-insensitive key', (t) => {
  t.deepEqual(label('  Spring   Boot '), { display: 'Spring Boot', key: 'spring boot' });
  t.deepEqual(
    labels(['React', ' react ', 'REACT', 'Vue']).map((l) => l.display),
    ['React', 'Vue'],
  );
  t.is(label('Ｒｅａｃｔ').key, 'react', 'full-width letters fold (NFKC)');
});

test('the actor applies the contract rules itself, with field names', (t) => {
  const error = t.throws(() => draftFrom({ name: '', repo_url: 'file:///etc/passwd', language: 'Go', tags: ['x'.repeat(51)] }), { instanceOf: FieldValidationError });
  t.deepEqual((error?.data as { fields: Array<{ field: string }> }).fields.map((f) => f.field).sort(), ['name', 'repo_url', 'tags.0']);
  t.like(draftFrom({ name: ' Demo ', repo_url: 'https://x.example/a', language: 'Go' }), { name: 'Demo', description: '', isPublic: false, tags: [] });
});

test('search parameters: defaults, keys, repeated tags, and the sort that fits', (t) => {
  t.like(filtersFrom({}), { limit: 20, offset: 0, sort: 'newest', tags: [], favorite: undefined });
  t.like(filtersFrom({ q: ' kafka ' }), { q: 'kafka', sort: 'relevance' });
  t.deepEqual(filtersFrom({ tag: ['B', 'a', 'b'] }).tags, ['a', 'b']);
  t.deepEqual(filtersFrom({ tag: 'Solo' }).tags, ['solo']);
  t.is(filtersFrom({ favorite: 'true' }).favorite, true);
  t.is(filtersFrom({ favorite: false }).favorite, false);
  t.throws(() => filtersFrom({ limit: 101 }), { instanceOf: FieldValidationError });
});

test('cache keys lead with tenant, version and user and cannot collide through separators', (t) => {
  const keys = ['q', 'language'];
  const a = pocCacheKey('poc.search', 'T', '3', 'U', { q: 'a|b' }, keys);
  const b = pocCacheKey('poc.search', 'T', '3', 'U', { q: 'a', language: 'b' }, keys);
  t.not(a, b);
  t.true(a.startsWith('poc.search:T:3:U:'));
  t.is(a, pocCacheKey('poc.search', 'T', '3', 'U', { q: 'a|b', ignored: 1 }, keys));
  t.not(a, pocCacheKey('poc.search', 'T', '3', 'V', { q: 'a|b' }, keys));
  t.not(a, pocCacheKey('poc.search', 'T', '4', 'U', { q: 'a|b' }, keys));
});
