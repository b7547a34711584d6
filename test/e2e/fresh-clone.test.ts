import { execFile } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import test, { type ExecutionContext } from 'ava';
import { api, joined, liveDojo } from '../../actors/dojo-room/testing';
import { download, waitForJob } from '../../actors/render/testing';
import { resolveFfprobe } from '../../infra/bin/ffmpeg';
import { eventually } from '../../media/testing/media';
import { WeriftClient, type Signal } from '../../media/testing/werift';
import { authed, createTenant } from '../support/accounts';
import { tempDataDir } from '../support/dirs';
import type { TestNode } from '../support/node';
import { startProcess } from '../support/process';
import type { WsClient } from '../support/ws-client';

const run = promisify(execFile);
const REPO = path.resolve(__dirname, '../..');
const YEAR = new Date().getUTCFullYear();

/**
 * The first hour of a new user (issue 12), with no step between the commands: a clone of this
 * repository's HEAD, `npm ci`, `npm start` on embedded defaults, then a yearly video and a
 * recording, each downloaded and read by ffprobe. Then the same from a checkout under a
 * directory only root can enter, where the embedded PostgreSQL (run as `postgres`) cannot
 * reach the checkout's binaries nor its ./data.
 */
// The path is the embedded defaults whatever the environment says: CI's pass on real services skips it.
const embeddedPass = process.env.DATABASE_URL ? test.skip : test;

embeddedPass('from git clone to a playable yearly video and recording on embedded defaults, in a normal directory and in one only root can enter', async (t) => {
  t.timeout(20 * 60_000);
  const parent = await tempDataDir();
  t.teardown(() => parent.remove());
  const checkout = path.join(parent.path, 'pocdojo');
  await run('git', ['clone', '--quiet', REPO, checkout]);
  const started = Date.now();
  // The npm cache and the mediasoup worker cache are warm from this machine's own `npm ci`.
  await run('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: checkout, maxBuffer: 64 * 1024 * 1024, timeout: 15 * 60_000 });
  t.log(`npm ci in the clone: ${Math.round((Date.now() - started) / 1000)} s`);

  await firstHour(t, checkout, 'a normal directory');
  if (process.getuid?.() === 0) {
    await rm(path.join(checkout, 'data'), { recursive: true, force: true });
    await chmod(parent.path, 0o700);
    await firstHour(t, checkout, 'a directory only root can enter');
  } else {
    t.log('not root: the root-only directory case needs root');
  }
});

async function firstHour(t: ExecutionContext, checkout: string, where: string): Promise<void> {
  const rtcMin = 30000 + randomInt(0, 40) * 200;
  const node = await startProcess(
    {
      // Nothing configured but ports: DATA_DIR is the checkout's ./data, as for a new user.
      DATA_DIR: undefined,
      DATABASE_URL: undefined,
      REDIS_URL: undefined,
      TRANSPORTER: undefined,
      S3_ENDPOINT: undefined,
      SMTP_URL: undefined,
      JWT_SECRET: undefined,
      FFMPEG_BIN: undefined,
      MEDIASOUP_WORKER_BIN: undefined,
      RTC_MIN_PORT: String(rtcMin),
      RTC_MAX_PORT: String(rtcMin + 199),
      MEDIASOUP_WORKERS: '1',
      VIDEO_SLIDE_SECONDS: '1',
    },
    { cwd: checkout, readyTimeoutMs: 120_000 },
  );
  try {
    t.log(`${where}: ready after ${node.readyAfterMs} ms`);
    const ready = (await (await fetch(`${node.url}/ready`)).json()) as { features: Record<string, string> };
    t.deepEqual(ready.features, { recording: 'available', video: 'available', 'pdf-reports': 'available', 'code-execution': 'available' }, where);
    const app = { url: node.url, wsUrl: `${node.url.replace('http', 'ws')}/v1/ws`, dataDir: path.join(checkout, 'data') } as TestNode;
    const tenant = await createTenant(app, { members: 1, facilitators: 1 });
    const [member, facilitator] = [tenant.members[0]!, tenant.facilitators[0]!];

    // The yearly video of a member with two POCs.
    for (const name of ['Edge cache', 'Fila de mensagens']) {
      const poc = await api(app, 'POST', '/v1/pocs', member.token, { name, repo_url: 'https://git.example/poc', language: 'TypeScript', tags: ['web'], frameworks: [] });
      t.is(poc.status, 201, `${where}: create ${name}`);
    }
    const generated = await fetch(`${node.url}/v1/videos/generate`, { method: 'POST', headers: authed(member.token), body: JSON.stringify({ year: YEAR }) });
    t.is(generated.status, 202, where);
    const { id } = (await generated.json()) as { id: string };
    t.like(await waitForJob(`${node.url}/v1/videos/${id}`, member.token, 180_000), { status: 'COMPLETED' }, where);
    const video = await probe(checkout, (await download(`${node.url}/v1/videos/${id}/download`, member.token)).bytes, 'mp4');
    t.true(video.includes('video/h264'), `${where}: video streams ${video.join(', ')}`);

    // A recording of a dojo where the member speaks.
    const dojoId = await liveDojo(app, tenant, facilitator, [member]);
    const host = await joined(app, facilitator, dojoId);
    const speaker = await joined(app, member, dojoId);
    const { client: publisher, producerId } = await WeriftClient.publish(signal(speaker.client));
    try {
      await host.client.nextPush((f) => f.method === 'media.newProducer' && f.data.producerId === producerId);
      await publisher.sendOpus(150);
      const stopped = await api(app, 'POST', '/v1/dojo/stop', facilitator.token, { tenant_id: tenant.tenantId, dojo_id: dojoId });
      t.is(stopped.status, 200, where);
      let location: string | null = null;
      await eventually(
        async () => {
          const res = await fetch(`${node.url}/v1/dojos/${dojoId}/recording`, { headers: authed(facilitator.token), redirect: 'manual' });
          if (res.status !== 409 && res.status !== 302) throw new Error(`recording -> ${res.status}: ${await res.text()}`);
          location = res.headers.get('location');
          return res.status === 302;
        },
        60_000,
        'the recording to be uploaded',
      );
      const file = await fetch(location ?? '');
      t.is(file.status, 200, where);
      t.deepEqual(await probe(checkout, Buffer.from(await file.arrayBuffer()), 'webm'), ['audio/opus'], where);
    } finally {
      publisher.close();
      host.client.close();
      speaker.client.close();
    }
  } catch (error) {
    t.log(node.output());
    throw error;
  } finally {
    await node.stop();
  }
  // npm dies of the signal; the node behind it stops its embedded PostgreSQL on the way out.
  await eventually(() => !existsSync(path.join(checkout, 'data', 'postgres', 'postmaster.pid')), 20_000, 'the embedded PostgreSQL to stop');
}

function signal(client: WsClient): Signal {
  return async (method, data) => {
    const reply = await client.request(method, data);
    if (!reply.ok) throw new Error(`${method} refused: ${JSON.stringify(reply.error)}`);
    return reply.data;
  };
}

/** The streams ffprobe finds in a downloaded file, as `type/codec`. */
async function probe(dir: string, bytes: Buffer, ext: string): Promise<string[]> {
  const file = path.join(dir, `${randomUUID()}.${ext}`);
  await writeFile(file, bytes);
  const { stdout } = await run(resolveFfprobe({ ffmpegBin: undefined }), ['-v', 'error', '-show_streams', '-of', 'json', file]);
  return (JSON.parse(stdout) as { streams: Array<{ codec_type: string; codec_name: string }> }).streams.map((s) => `${s.codec_type}/${s.codec_name}`);
}
