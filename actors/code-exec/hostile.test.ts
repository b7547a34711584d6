import test from 'ava';
import { createTenant, type TestTenant } from '../../test/support/accounts';
import type { TestNode } from '../../test/support/node';
import { codeDojo, coder, startCodeNode } from './testing';

// Hostile code through the real WebSocket method (code.run) and the real sandbox (bubblewrap,
// prlimit, cgroups): every run ends with a result, and the node stays healthy for the next one.

let app: TestNode;
let tenant: TestTenant;
let room: Awaited<ReturnType<typeof coder>>;
let jsRoom: Awaited<ReturnType<typeof coder>>;

test.before(async () => {
  app = await startCodeNode();
  tenant = await createTenant(app, { members: 1, facilitators: 1 });
  const [fac, member] = [tenant.facilitators[0]!, tenant.members[0]!];
  room = await coder(app, member, await codeDojo(app, tenant, fac, [member], { language: 'python' }));
  jsRoom = await coder(app, member, await codeDojo(app, tenant, fac, [member], { language: 'javascript' }));
});

test.after.always(async () => {
  await room?.client.close();
  await jsRoom?.client.close();
  await app?.stop();
});

/** The node answers, and a trivial run after the hostile one still completes. */
async function stillHealthy(t: import('ava').ExecutionContext) {
  t.is((await fetch(`${app.url}/health`)).status, 200);
}

test.serial('an infinite loop is killed at the timeout (TIMEOUT)', async (t) => {
  const { result } = await jsRoom.run('while (true) {}');
  t.is(result.status, 'TIMEOUT');
  t.regex(result.error?.message ?? '', /Time limit exceeded/);
  await stillHealthy(t);
});

test.serial('a sleep past the timeout is killed (TIMEOUT)', async (t) => {
  const { result } = await room.run('import time\nprint("going to sleep", flush=True)\ntime.sleep(60)\n');
  t.is(result.status, 'TIMEOUT');
  t.is(result.stdout, 'going to sleep\n');
});

test.serial('a fork bomb is contained by the process limit, and the next run works', async (t) => {
  const bomb = 'import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n';
  const { result } = await room.run(bomb);
  t.true(['TIMEOUT', 'ERROR'].includes(result.status), result.status);
  const after = await room.run('print("alive")');
  t.is(after.result.status, 'COMPLETED');
  t.is(after.result.stdout, 'alive\n');
  await stillHealthy(t);
});

test.serial('allocating 4 GiB ends MEMORY_LIMIT (Python and JavaScript)', async (t) => {
  const py = await room.run('b = bytearray(4 * 1024 ** 3)\nprint(len(b))');
  t.is(py.result.status, 'MEMORY_LIMIT');
  t.regex(py.result.error?.message ?? '', /MemoryError/);
  const js = await jsRoom.run('const a = []; for (;;) a.push(new Array(1e6).fill(1.5));');
  t.is(js.result.status, 'MEMORY_LIMIT');
  t.true(js.result.memoryUsed === null || js.result.memoryUsed <= 256 * 1024 * 1024, String(js.result.memoryUsed));
});

test.serial('writing a 1 GiB file is stopped by the file-size limit', async (t) => {
  const { result } = await room.run('chunk = b"x" * (1 << 20)\nwith open("big", "wb") as f:\n    for _ in range(1024):\n        f.write(chunk)\nprint("wrote 1 GiB")');
  t.is(result.status, 'ERROR');
  t.regex(result.error?.message ?? '', /File too large/);
  t.false(result.stdout.includes('wrote 1 GiB'));
});

test.serial("no network: TCP to the node's own port and to PostgreSQL is refused", async (t) => {
  const port = new URL(app.url).port;
  const code = [
    'import socket',
    `for port in (${port}, 5432, 6379, 4222):`,
    '    s = socket.socket()',
    '    s.settimeout(1)',
    '    try:',
    '        s.connect(("127.0.0.1", port))',
    '        print(port, "connected")',
    '    except OSError as e:',
    '        print(port, "refused", e.errno)',
  ].join('\n');
  const { result } = await room.run(code);
  t.is(result.status, 'COMPLETED');
  t.notRegex(result.stdout, /connected/);
  t.regex(result.stdout, new RegExp(`^${port} refused`, 'm'));
  t.regex(result.stdout, /^5432 refused/m);
});

test.serial('nothing sensitive is visible: /etc/shadow, the project, DATA_DIR, /proc/1/environ, the environment', async (t) => {
  const code = [
    'import json, os',
    'def probe(path):',
    '    try:',
    '        with open(path) as f: return f.read()',
    '    except OSError as e: return "ERR " + e.strerror',
    'print(json.dumps({',
    '  "shadow": probe("/etc/shadow"),',
    `  "project": os.path.exists(${JSON.stringify(process.cwd())}),`,
    `  "packageJson": probe(${JSON.stringify(`${process.cwd()}/package.json`)}),`,
    `  "dataDir": os.path.exists(${JSON.stringify(app.dataDir)}),`,
    '  "environ1": probe("/proc/1/environ"),',
    '  "env": dict(os.environ),',
    '  "root": sorted(os.listdir("/")),',
    '  "uid": os.getuid(),',
    '}))',
  ].join('\n');
  const { result } = await room.run(code);
  t.is(result.status, 'COMPLETED', result.stderr);
  const seen = JSON.parse(result.stdout) as { shadow: string; project: boolean; packageJson: string; dataDir: boolean; environ1: string; env: Record<string, string>; root: string[]; uid: number };
  t.regex(seen.shadow, /^ERR /);
  t.false(seen.project);
  t.regex(seen.packageJson, /^ERR /);
  t.false(seen.dataDir);
  t.deepEqual(Object.keys(seen.env).sort(), ['HOME', 'LANG', 'PATH', 'PWD']);
  t.notRegex(seen.environ1, /DATABASE|REDIS|JWT|SECRET|TRANSPORTER|wt-|work\/main/);
  t.deepEqual(seen.root, ['dev', 'lib', 'lib64', 'proc', 'tmp', 'usr', 'work']);
  t.not(seen.uid, 0);
});

test.serial('printing 100 MB is capped at 64 KiB with a marker (OUTPUT_LIMIT)', async (t) => {
  const { result, output } = await jsRoom.run("process.stdout.write('x'.repeat(100 * 1024 * 1024));");
  t.is(result.status, 'OUTPUT_LIMIT');
  t.true(result.stdout.length <= 64 * 1024 + 200, String(result.stdout.length));
  t.regex(result.stdout, /\[output truncated: /);
  const streamed = output.filter((o) => o.stream === 'stdout').reduce((n, o) => n + o.chunk.length, 0);
  t.true(streamed <= 64 * 1024 + 200, `streamed ${streamed}`);
  t.true(output.every((o) => o.chunk.length <= 8 * 1024 + 200));
  await stillHealthy(t);
});

test('a syntax error comes back with its line and column (Python, JavaScript, TypeScript)', async (t) => {
  const py = await room.run('def f(x):\n    return x +\n');
  t.is(py.result.status, 'ERROR');
  t.like(py.result.error, { line: 2, column: 15 });
  t.regex(py.result.error!.message, /^SyntaxError/);
  const js = await jsRoom.run('let a = 1;\nlet b = ;\n');
  t.like(js.result.error, { message: "SyntaxError: Unexpected token ';'", line: 2, column: 9 });
  const ts = await jsRoom.run('let x: number = 1;\nlet y z;\n', 'typescript');
  t.like(ts.result.error, { line: 2, column: 7 });
  t.is(ts.result.language, 'typescript');
  const thrown = await jsRoom.run('function f() {\n  return missing.x;\n}\nf();\n');
  t.like(thrown.result.error, { message: 'ReferenceError: missing is not defined', line: 2, column: 3 });
});
