import test from 'ava';
import { z } from 'zod';
import type { RouteDef } from '../../protocol/rest/route';
import { expectedReplyId } from './ws-cases';
import { restFaults, routeOf, wsFaults } from './oracle';

// The judge of the fuzz must see what it is there to see, or a green fuzz run says nothing.

const route: RouteDef = { method: 'GET', path: '/v1/things/{id}', auth: 'user', action: 'things.get', summary: 'a thing', tag: 'things', response: z.object({ id: z.string() }) };
const error = (code: string, message = 'Nope') => JSON.stringify({ error: { code, message } });

test('a 5xx, an error outside the contract and a success off its schema are faults', (t) => {
  t.deepEqual(restFaults(route, 404, error('NOT_FOUND'), ''), []);
  t.deepEqual(restFaults(route, 200, '{"id":"x"}', ''), []);
  t.regex(restFaults(route, 500, error('INTERNAL', 'Internal error'), '')[0] ?? '', /status 500/);
  t.regex(restFaults(route, 400, 'Bad Request', '')[0] ?? '', /error body/);
  t.regex(restFaults(route, 400, error('NOT_FOUND'), '')[0] ?? '', /NOT_FOUND sent with status 400/);
  t.regex(restFaults(route, 200, '{"id":1}', '')[0] ?? '', /off its schema/);
});

test('internals in an error are faults unless the client sent them', (t) => {
  t.regex(restFaults(undefined, 409, error('CONFLICT', 'duplicate key value violates unique constraint'), '')[0] ?? '', /SQL/);
  t.regex(restFaults(undefined, 400, error('BAD_REQUEST', 'at readRequest (/app/gateway/http/context.ts:64:54)'), '')[0] ?? '', /stack frame|source path/);
  const reply = { ok: false, error: { code: 'BAD_FRAME', message: 'URIError: URI malformed' } };
  t.regex(wsFaults(reply, JSON.stringify(reply), '')[0] ?? '', /system error/);
  t.deepEqual(restFaults(undefined, 422, error('VALIDATION_ERROR', 'no user SELECT here'), '{"name":"SELECT"}'), []);
});

test('a WebSocket server error is a fault, and replies are matched by the id the frame carried', (t) => {
  t.deepEqual(wsFaults({ ok: false, error: { code: 'NOT_FOUND', message: 'No such room' } }, '', ''), []);
  t.regex(wsFaults({ ok: false, error: { code: 'TIMEOUT', message: 'slow' } }, '', '')[0] ?? '', /server error TIMEOUT/);
  t.is(expectedReplyId('{"id":"a","method":"ping"}'), 'a');
  t.is(expectedReplyId('{"id":1e999,"method":"ping"}'), null);
  t.is(expectedReplyId('{"id":{"x":1}}'), null);
  t.is(expectedReplyId('not json'), null);
});

test('requests are judged against the route they reached', (t) => {
  t.is(routeOf([route], 'GET', '/v1/things/42'), route);
  t.is(routeOf([route], 'POST', '/v1/things/42'), undefined);
  t.is(routeOf([route], 'GET', '/v1/things/42/more'), undefined);
});
