import path from 'node:path';
import test from 'ava';
import { ESLint } from 'eslint';

const ROOT = path.resolve(__dirname, '../..');

/** Lints `code` as if it were the file at `file` (relative to the repository), with the project's config. */
async function problems(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: ROOT });
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'pocdojo/layers').map((m) => m.message);
}

test('a reach-back fails with a message naming both folders', async (t) => {
  t.deepEqual(await problems('actors/poc/x.ts', "import { Authenticator } from '../../gateway/auth';\n"), [
    'layers: actors/ may not import gateway/ ("../../gateway/auth"); move what both need down to protocol/ or infra/',
  ]);
  t.is((await problems('media/x.ts', "export { ClientError } from '../actors/auth';\n")).length, 1);
  t.is((await problems('infra/jobs/x.ts', "import type { Config } from '../../deploy/node';\n")).length, 1);
  t.regex((await problems('protocol/x.ts', "import { Errors } from 'moleculer';\n"))[0] ?? '', /imports only zod/);
});

test('an actor may not reach into a sibling, but may use the shared actor files, media and the ground', async (t) => {
  t.regex((await problems('actors/render/x.ts', "import { Chat } from '../dojo-room/Chat';\n"))[0] ?? '', /actors\/render\/ may not import actors\/dojo-room\//);
  const fine = "import { caller } from '../auth';\nimport type { MediaSession } from '../../media/MediaSession';\nimport { Sql } from '../../infra/db/sql';\nimport { z } from 'zod';\n";
  t.deepEqual(await problems('actors/render/x.ts', fine), []);
});

test('a folder that shares a name with a layer is no false alarm; tests may import anything', async (t) => {
  t.deepEqual(await problems('infra/queue/x.ts', "import { JobKit } from '../jobs';\n"), []);
  t.deepEqual(await problems('actors/poc/x.test.ts', "import { startTestNode } from '../../test/support/node';\nimport { GatewayServer } from '../../gateway/server';\n"), []);
  t.deepEqual(await problems('deploy/x.ts', "import { ACTORS } from '../actors';\nimport { createGatewayService } from '../gateway/gateway.service';\n"), []);
});

test("the client SDK's core imports no WebRTC; its media module (src/media*.ts) may use mediasoup-client", async (t) => {
  t.regex((await problems('clients/sdk/src/room.ts', "import { Device } from 'mediasoup-client';\n"))[0] ?? '', /clients\/sdk runs in browsers, Node and React Native/);
  t.deepEqual(await problems('clients/sdk/src/mediaClient.ts', "import { Device } from 'mediasoup-client';\nimport * as Y from 'yjs';\n"), []);
  t.is((await problems('clients/sdk/src/mediaClient.ts', "import { App } from 'uWebSockets.js';\n")).length, 1);
});
