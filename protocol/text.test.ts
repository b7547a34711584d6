import test from 'ava';
import { z } from 'zod';
import { pocCreateBody, pocSearchQuery } from './rest/poc';
import { ROUTES } from './rest/index';
import { freeText } from './text';
import { validate } from './validation';
import { RequestFrame, WS_METHODS } from './ws';

const fieldsOf = (result: ReturnType<typeof validate>) => (result.ok ? [] : result.fields.map((f) => f.field));

test('NUL and control characters in any string are refused, naming the field', (t) => {
  const schema = z.object({ name: z.string(), tags: z.array(z.string()), nested: z.object({ code: z.string().optional() }) });
  t.deepEqual(fieldsOf(validate(schema, { name: 'a\u0000b', tags: ['ok', 'x\u0007'], nested: { code: 'c\u001b[31m' } })), ['name', 'tags.1', 'nested.code']);
  t.true(validate(schema, { name: 'plain text, àccents and emoji 🎉', tags: [], nested: {} }).ok);
});

test('a one-line field refuses tab and line breaks; free text keeps them but not other controls', (t) => {
  const schema = z.object({ title: z.string(), body: freeText(z.string()).optional() });
  t.deepEqual(fieldsOf(validate(schema, { title: 'two\nlines' })), ['title']);
  t.deepEqual(fieldsOf(validate(schema, { title: 'tab\there' })), ['title']);
  t.true(validate(schema, { title: 't', body: 'line one\r\nline two\tindented' }).ok);
  t.deepEqual(fieldsOf(validate(schema, { title: 't', body: 'nul\u0000' })), ['body']);
  t.deepEqual(fieldsOf(validate(schema, { title: 't', body: 'bell\u0007' })), ['body']);
});

test('lone surrogates are refused; a real surrogate pair is kept', (t) => {
  const schema = z.object({ s: z.string() });
  t.deepEqual(fieldsOf(validate(schema, { s: 'high \ud800 alone' })), ['s']);
  t.deepEqual(fieldsOf(validate(schema, { s: 'low \udc00 alone' })), ['s']);
  t.deepEqual(fieldsOf(validate(schema, { s: 'reversed \udc00\ud800' })), ['s']);
  t.true(validate(schema, { s: 'pair \ud83d\ude00' }).ok);
});

test('two passwords that differ only in lone surrogates are both refused, not hashed alike', (t) => {
  const signup = ROUTES.find((r) => r.method === 'POST' && r.path === '/v1/tenants')?.body as z.ZodType;
  const login = ROUTES.find((r) => r.method === 'POST' && r.path === '/v1/login')?.body as z.ZodType;
  const admin = { firstName: 'Ada', lastName: 'Admin', email: 'ada@mail.test', username: 'ada' };
  for (const password of ['password-\ud800', 'password-\udfff']) {
    t.deepEqual(fieldsOf(validate(signup, { name: 'Acme', slug: 'acme', admin: { ...admin, password } })), ['admin.password']);
    t.deepEqual(fieldsOf(validate(login, { tenant: 'acme', username: 'ada', password })), ['password']);
  }
});

test('untyped content is checked too: keys and values of records and unknown data', (t) => {
  const produce = (rtpParameters: unknown) => validate(WS_METHODS['media.produce'].data, { transportId: 't', kind: 'audio', rtpParameters }, 'data');
  t.deepEqual(fieldsOf(produce({ 'ke\u0000y': 1, mid: 'x\u0000' })), ['data.rtpParameters.ke\u0000y', 'data.rtpParameters.mid']);
  t.deepEqual(fieldsOf(produce({ codecs: [{ mimeType: 'audio/opus\u0001' }] })), ['data.rtpParameters.codecs.0.mimeType']);
  t.true(produce({ codecs: [{ mimeType: 'audio/opus' }] }).ok);
  // Keys that name what every object inherits are data, not fields of the schema.
  t.true(validate(WS_METHODS.ping.data, JSON.parse('{"constructor": "x", "__proto__": {"toString": "y"}}')).ok);
  t.deepEqual(fieldsOf(validate(WS_METHODS.ping.data, JSON.parse('{"constructor": "x\\u0000"}'))), ['constructor']);
});

test("a frame's data is left to its method's schema, which knows its free text", (t) => {
  t.true(validate(RequestFrame, { id: 1, method: 'chat.send', data: { text: 'a\u0000b', clientMsgId: 'c' } }).ok);
  t.deepEqual(fieldsOf(validate(RequestFrame, { id: 'i\u0000d', method: 'chat.send' })), ['id']);
  t.deepEqual(fieldsOf(validate(WS_METHODS['chat.send'].data, { text: 'a\u0000b', clientMsgId: 'c' }, 'data')), ['data.text']);
});

test('the contract marks its free text: chat and descriptions keep line breaks, names and queries do not', (t) => {
  t.true(validate(WS_METHODS['chat.send'].data, { text: 'hello\nworld', clientMsgId: 'm1' }).ok);
  t.deepEqual(fieldsOf(validate(WS_METHODS['chat.send'].data, { text: 'nul \u0000 byte', clientMsgId: 'm1' }, 'data')), ['data.text']);
  t.deepEqual(fieldsOf(validate(WS_METHODS['chat.send'].data, { text: 'hi', clientMsgId: 'm\n1' }, 'data')), ['data.clientMsgId']);
  const poc = { name: 'Demo', repo_url: 'https://example.com/r', language: 'TypeScript' };
  t.true(validate(pocCreateBody, { ...poc, description: 'first\nsecond' }).ok);
  t.deepEqual(fieldsOf(validate(pocCreateBody, { ...poc, name: 'De\u0000mo' })), ['name']);
  t.deepEqual(fieldsOf(validate(pocSearchQuery, { q: 'a\u0000', tag: ['ok', 'b\u0000'] })), ['q', 'tag.1']);
});

test('a value nested past any contract shape is refused, not walked off the stack', (t) => {
  let deep: unknown = 'x';
  for (let i = 0; i < 100_000; i++) deep = [deep];
  const result = validate(WS_METHODS.ping.data, { deep }, 'data');
  t.false(result.ok);
  t.is(result.ok ? undefined : result.fields[0]?.message, 'is nested too deeply');
});
