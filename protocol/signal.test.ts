import test from 'ava';
import { signalParamsSchema } from './signal';
import { validate } from './validation';

// What `dojo-room.signal` checks on a call from another node's gateway: the envelope, and the data
// by its method's schema, text rule included, with the fields named as the gateway names them.
const schema = signalParamsSchema('dojo-room');
const envelope = { sessionId: 's1', gatewayNodeId: 'gw-1' };
const fields = (result: ReturnType<typeof validate>) => (result.ok ? [] : result.fields.map((f) => f.field));

test('a call from another node is parsed with the method schema, data included', (t) => {
  const ok = validate(schema, { ...envelope, method: 'chat.send', data: { text: 'olá', clientMsgId: 'c1', extra: 1 } });
  t.true(ok.ok);
  if (ok.ok) t.deepEqual(ok.value.data, { text: 'olá', clientMsgId: 'c1' }, 'unknown keys dropped, as at the gateway');
  t.deepEqual(fields(validate(schema, { ...envelope, method: 'chat.send', data: { text: 'a\u0000b', clientMsgId: 'c1' } })), ['data.text']);
  t.deepEqual(fields(validate(schema, { ...envelope, method: 'media.produce', data: { transportId: 't', kind: 'smell', rtpParameters: {} } })), ['data.kind']);
  t.deepEqual(fields(validate(schema, { ...envelope, method: 'room.join', data: {} })), ['data.dojoId']);
});

test('only the methods the server serves, in a whole envelope', (t) => {
  t.deepEqual(fields(validate(schema, { ...envelope, method: 'session.refresh', data: { token: 'x' } })), ['method'], 'a gateway method is not the room’s');
  t.deepEqual(fields(validate(schema, { method: 'chat.send', data: { text: 'a', clientMsgId: 'c' } })), ['sessionId', 'gatewayNodeId']);
  t.deepEqual(fields(validate(schema, { ...envelope, method: 'room.leave', dojoId: 'not-a-uuid' })), ['dojoId']);
});

test("media.produce's appData.source is one of the media sources; the rest of appData is the client's own", (t) => {
  const produce = (appData: unknown) => validate(schema, { ...envelope, method: 'media.produce', data: { transportId: 't', kind: 'video', rtpParameters: {}, appData } });
  t.deepEqual(fields(produce({ source: 'smell' })), ['data.appData.source']);
  t.deepEqual(fields(produce({ source: 3 })), ['data.appData.source']);
  const ok = produce({ source: 'screen', tile: 2 });
  t.true(ok.ok);
  if (ok.ok) t.deepEqual((ok.value.data as { appData: unknown }).appData, { source: 'screen', tile: 2 });
  t.true(produce({ tile: 2 }).ok, 'source is optional');
  t.true(produce(undefined).ok, 'appData is optional');
});
