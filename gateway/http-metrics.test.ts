import test from 'ava';
import { HttpMetrics } from './http-metrics';

const line = (text: string, prefix: string) =>
  text
    .split('\n')
    .find((l) => l.startsWith(prefix))
    ?.split(' ')
    .pop();

test('latency buckets are cumulative and counts are per route, method and status', (t) => {
  const metrics = new HttpMetrics();
  const record = metrics.series('/v1/pocs/{id}', 'GET');
  record(200, 0.0004);
  record(200, 0.003);
  record(404, 0.003);
  record(200, 7);
  const text = metrics.text();
  const bucket = (le: string) => line(text, `pocdojo_http_request_duration_seconds_bucket{route="/v1/pocs/{id}",method="GET",le="${le}"}`);
  t.is(bucket('0.0005'), '1');
  t.is(bucket('0.0025'), '1');
  t.is(bucket('0.005'), '3');
  t.is(bucket('5'), '3', 'seven seconds is past the last bound');
  t.is(bucket('+Inf'), '4');
  t.is(line(text, 'pocdojo_http_request_duration_seconds_count{route="/v1/pocs/{id}",method="GET"}'), '4');
  t.is(line(text, 'pocdojo_http_requests_total{route="/v1/pocs/{id}",method="GET",status="200"}'), '3');
  t.is(line(text, 'pocdojo_http_requests_total{route="/v1/pocs/{id}",method="GET",status="404"}'), '1');
});
