import test from 'ava';
import { ConfigError, loadConfig } from './index';

test('defaults need no environment', (t) => {
  const config = loadConfig({});
  t.is(config.port, 8080);
  t.is(config.databaseUrl, undefined);
  t.true(config.services.includes('gateway'));
  t.true(config.services.includes('dojo-room'));
  t.true(config.dataDir.endsWith('data'));
  t.is(config.mediaPipeThreshold, 500);
  t.is(config.mediaIceDisconnectGraceMs, 15_000);
  t.deepEqual(config.ops, { port: 9464, host: '127.0.0.1' });
  t.deepEqual(config.dojo, { emptyTimeoutMs: 300_000, departureTimeoutMs: 20_000, chatPerSecond: 5, chatBurst: 20 });
});

test('env values are read and typed', (t) => {
  const config = loadConfig({ PORT: '9000', SERVICES: 'gateway, poc', REDIS_URL: 'redis://127.0.0.1:6379', LOG_LEVEL: 'debug' });
  t.is(config.port, 9000);
  t.deepEqual(config.services, ['gateway', 'poc']);
  t.is(config.redisUrl, 'redis://127.0.0.1:6379');
  t.is(config.logLevel, 'debug');
  t.deepEqual(loadConfig({ OPS_PORT: 'off' }).ops, { port: undefined, host: '127.0.0.1' });
  t.deepEqual(loadConfig({ OPS_PORT: '0', OPS_HOST: '0.0.0.0' }).ops, { port: 0, host: '0.0.0.0' });
});

const bad: Array<[Record<string, string>, string]> = [
  [{ PORT: 'eighty' }, 'PORT'],
  [{ PORT: '70000' }, 'PORT'],
  [{ OPS_PORT: 'on' }, 'OPS_PORT'],
  [{ SERVICES: 'gateway,billing' }, 'SERVICES'],
  [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
  [{ TRANSPORTER: 'not a url' }, 'TRANSPORTER'],
  [{ RTC_LISTEN_IP: 'localhost' }, 'RTC_LISTEN_IP'],
  [{ RTC_MIN_PORT: '5000', RTC_MAX_PORT: '4000' }, 'RTC_MAX_PORT'],
  [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
  [{ AWS_ACCESS_KEY_ID: 'x' }, 'AWS_SECRET_ACCESS_KEY'],
  [{ MEDIASOUP_WORKERS: '0' }, 'MEDIASOUP_WORKERS'],
  [{ MEDIA_PIPE_THRESHOLD: '0' }, 'MEDIA_PIPE_THRESHOLD'],
  [{ MEDIA_ICE_DISCONNECT_GRACE_MS: '15s' }, 'MEDIA_ICE_DISCONNECT_GRACE_MS'],
  [{ DOJO_EMPTY_TIMEOUT_MS: '5 minutes' }, 'DOJO_EMPTY_TIMEOUT_MS'],
  [{ DOJO_DEPARTURE_TIMEOUT_MS: '10' }, 'DOJO_DEPARTURE_TIMEOUT_MS'],
  [{ DOJO_CHAT_PER_SECOND: '0' }, 'DOJO_CHAT_PER_SECOND'],
  [{ DOJO_CHAT_BURST: '-1' }, 'DOJO_CHAT_BURST'],
  [{ NAMESPACE: 'has spaces' }, 'NAMESPACE'],
  [{ TRACING: 'zipkin' }, 'TRACING'],
  [{ TRUST_PROXY: 'yes' }, 'TRUST_PROXY'],
  [{ TRACING_SAMPLE_RATE: '1.5' }, 'TRACING_SAMPLE_RATE'],
  [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, 'OTEL_EXPORTER_OTLP_ENDPOINT'],
  [{ NODE_ID: 'a/b' }, 'NODE_ID'],
  [{ RENDER_CONCURRENCY: '0' }, 'RENDER_CONCURRENCY'],
  [{ CODE_EXEC_TIMEOUT_MS: '50' }, 'CODE_EXEC_TIMEOUT_MS'],
  [{ CODE_EXEC_MEMORY_MB: 'lots' }, 'CODE_EXEC_MEMORY_MB'],
  [{ VIDEO_SLIDE_SECONDS: 'long' }, 'VIDEO_SLIDE_SECONDS'],
  [{ YEARLY_SCHEDULE: 'every new year' }, 'YEARLY_SCHEDULE'],
  [{ YEARLY_SCHEDULE_ENABLED: 'yes' }, 'YEARLY_SCHEDULE_ENABLED'],
];
for (const [env, setting] of bad) {
  test(`a bad ${setting} (${JSON.stringify(env)}) stops start-up with a message naming it`, (t) => {
    const error = t.throws(() => loadConfig(env), { instanceOf: ConfigError });
    t.is(error?.setting, setting);
    t.true(error?.message.includes(setting));
  });
}
