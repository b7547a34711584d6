import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { PushData, Room, RouteOutput } from '../../../sdk/src';
import { client, me } from '../api';
import { ErrorBox } from '../ErrorBox';
import { navigate } from '../router';
import { useAction } from '../useAsync';

type Kata = RouteOutput<'GET /v1/katas/{id}'>;
type Result = PushData<'code.result'>;

/** Run the room's code in the sandbox; everyone in the room sees the output stream and the result. */
export function RunPanel({ room, language }: { room: Room; language: string | null }) {
  const [output, setOutput] = useState('');
  const [result, setResult] = useState<Result | undefined>(undefined);
  const [running, setRunning] = useState(false);
  useEffect(() => {
    const offs = [
      room.onPush('code.runStarted', () => {
        setOutput('');
        setResult(undefined);
        setRunning(true);
      }),
      room.onPush('code.output', ({ chunk }) => setOutput((o) => o + chunk)),
      room.onPush('code.result', (r) => {
        setResult(r);
        setRunning(false);
      }),
    ];
    return () => offs.forEach((off) => off());
  }, [room]);
  const lang = (['javascript', 'typescript', 'python'] as const).find((l) => l === language?.toLowerCase());
  const run = useAction(() => room.request('code.run', { language: lang }));
  return (
    <section aria-labelledby="run" className="run">
      <div className="actions">
        <h2 id="run">Output</h2>
        {room.role !== 'observer' && (
          <button type="button" disabled={run.busy || running} onClick={() => void run.run()}>
            {running ? 'Running…' : 'Run code'}
          </button>
        )}
        {result && (
          <span className={`badge ${result.status === 'COMPLETED' ? '' : 'warn'}`} data-testid="run-status">
            {result.status.toLowerCase()} · {result.executionTime} ms{result.tests ? ` · tests ${result.tests.passed}/${result.tests.total}` : ''}
          </span>
        )}
      </div>
      <pre className="output" data-testid="run-output" aria-live="polite">
        {(result ? result.output || output : output) || (result?.error ? '' : ' ')}
        {result?.error && `\n${result.error.message}${result.error.line ? ` (line ${result.error.line})` : ''}`}
      </pre>
      <ErrorBox error={run.error} />
    </section>
  );
}

/** The kata of this dojo: facilitators start, split, visit, extend, broadcast and end it; everyone sees its timer, messages and their room. */
export function KataPanel({ room, dojoId }: { room: Room; dojoId: string }) {
  const [kata, setKata] = useState<Kata | undefined>(undefined);
  const [messages, setMessages] = useState<string[]>([]);
  const [assigned, setAssigned] = useState<{ roomId: string; name: string | null } | undefined>(undefined);
  const facilitator = room.role === 'facilitator';
  const refresh = useCallback(
    async (id?: string) => {
      const kataId = id ?? (await client.rest.call('GET /v1/katas/active')).items.find((k) => k.dojo_id === dojoId)?.id;
      setKata(kataId ? await client.rest.call('GET /v1/katas/{id}', { params: { id: kataId } }) : undefined);
    },
    [dojoId],
  );
  useEffect(() => {
    void refresh().catch(() => undefined);
    const again = (data: { kataId: string }) => void refresh(data.kataId).catch(() => undefined);
    const offs = [
      room.onPush('kata.started', again),
      room.onPush('kata.timer', again),
      room.onPush('kata.roomCompleted', again),
      room.onPush('kata.ended', again),
      room.onPush('kata.broadcast', ({ text }) => setMessages((m) => [...m, text])),
      room.onPush('kata.roomAssigned', (data) => {
        if (data.userIds.includes(me()?.userId ?? '')) setAssigned(data.roomId ? { roomId: data.roomId, name: data.name } : undefined);
        again(data);
      }),
    ];
    return () => offs.forEach((off) => off());
  }, [room, refresh]);
  const active = kata?.status === 'ACTIVE' ? kata : undefined;
  return (
    <section aria-labelledby="kata" data-testid="kata-panel">
      <h2 id="kata">Kata</h2>
      {messages.map((text, i) => (
        <p key={i} className="notice" role="status">
          <strong>Facilitator:</strong> {text}
        </p>
      ))}
      {assigned && (
        <p className="notice">
          You are in {assigned.name ?? 'a breakout room'}.{' '}
          <button type="button" onClick={() => navigate(`/dojos/${assigned.roomId}?main=${dojoId}`)}>
            Go to the room
          </button>
        </p>
      )}
      {active ? (
        <Running kata={active} facilitator={facilitator} dojoId={dojoId} onChange={() => refresh(active.id)} />
      ) : facilitator ? (
        <StartKata dojoId={dojoId} onStarted={(k) => setKata(k)} />
      ) : (
        <p className="muted">No kata running.</p>
      )}
    </section>
  );
}

function Running({ kata, facilitator, dojoId, onChange }: { kata: Kata; facilitator: boolean; dojoId: string; onChange(): Promise<void> }) {
  const [now, setNow] = useState(Date.now());
  const [text, setText] = useState('');
  const [size, setSize] = useState(kata.room_size);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const left = Math.max(0, Math.round((Date.parse(kata.deadline) - now) / 1000));
  const act = useAction(async (what: 'split' | 'extend' | 'end' | 'broadcast' | 'visit', roomId?: string) => {
    const params = { id: kata.id };
    if (what === 'split') await client.rest.call('POST /v1/katas/{id}/rooms/auto', { params, body: { size } });
    if (what === 'extend') await client.rest.call('PUT /v1/katas/{id}/extend', { params, body: { minutes: 5 } });
    if (what === 'end') await client.rest.call('PUT /v1/katas/{id}/end', { params });
    if (what === 'broadcast') {
      await client.rest.call('POST /v1/katas/{id}/broadcast', { params, body: { text } });
      setText('');
    }
    if (what === 'visit' && roomId) {
      await client.rest.call('PUT /v1/katas/{id}/rooms/{roomId}/join', { params: { id: kata.id, roomId } });
      navigate(`/dojos/${roomId}?main=${dojoId}`);
      return;
    }
    await onChange();
  });
  const broadcast = (e: FormEvent) => {
    e.preventDefault();
    if (text.trim()) void act.run('broadcast');
  };
  return (
    <div>
      <p>
        <strong>{kata.title}</strong> <span className="muted">{kata.language}</span>{' '}
        <span className="badge" role="timer" data-testid="kata-timer">
          {Math.floor(left / 60)}:{String(left % 60).padStart(2, '0')}
        </span>
        {kata.read_only && <span className="badge warn">time is up</span>}
      </p>
      <details>
        <summary>Statement</summary>
        <p className="statement">{kata.statement}</p>
      </details>
      {kata.rooms.length > 0 && (
        <ul className="people">
          {kata.rooms.map((r) => (
            <li key={r.id}>
              <span>
                {r.name}{' '}
                <span className="muted">
                  ({r.members.length}) {r.status.toLowerCase()}
                </span>
              </span>
              {facilitator && (
                <button type="button" onClick={() => void act.run('visit', r.id)}>
                  Visit
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {facilitator && (
        <>
          <div className="actions">
            <label className="inline">
              Room size <input type="number" min={1} max={100} value={size} onChange={(e) => setSize(Number(e.target.value))} />
            </label>
            <button type="button" disabled={act.busy} onClick={() => void act.run('split')}>
              Auto-split
            </button>
            <button type="button" disabled={act.busy} onClick={() => void act.run('extend')}>
              +5 min
            </button>
            <button type="button" className="danger" disabled={act.busy} onClick={() => void act.run('end')}>
              End kata
            </button>
          </div>
          <form onSubmit={broadcast} className="chat">
            <label className="sr-only" htmlFor="broadcast">
              Message to every room
            </label>
            <input id="broadcast" value={text} onChange={(e) => setText(e.target.value)} placeholder="Message to every room" />
            <button type="submit" disabled={act.busy}>
              Broadcast
            </button>
          </form>
        </>
      )}
      <ErrorBox error={act.error} />
    </div>
  );
}

function StartKata({ dojoId, onStarted }: { dojoId: string; onStarted(kata: Kata): void }) {
  const [form, setForm] = useState({ title: '', statement: '', language: 'javascript', minutes: 30, tests: '' });
  const start = useAction(async () => {
    onStarted(
      await client.rest.call('POST /v1/katas', {
        body: { dojo_id: dojoId, title: form.title, statement: form.statement, language: form.language, duration_minutes: form.minutes, tests: form.tests || undefined },
      }),
    );
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void start.run();
  };
  return (
    <form onSubmit={submit} aria-label="Start a kata">
      <label>
        Title
        <input required value={form.title} onChange={(e) => setForm({ ...form, title: e.target.value })} />
      </label>
      <label>
        Statement
        <textarea required rows={3} value={form.statement} onChange={(e) => setForm({ ...form, statement: e.target.value })} />
      </label>
      <label>
        Language
        <select value={form.language} onChange={(e) => setForm({ ...form, language: e.target.value })}>
          <option>javascript</option>
          <option>typescript</option>
          <option>python</option>
        </select>
      </label>
      <label>
        Minutes
        <input type="number" min={1} max={1440} value={form.minutes} onChange={(e) => setForm({ ...form, minutes: Number(e.target.value) })} />
      </label>
      <label>
        Tests (optional)
        <textarea rows={2} value={form.tests} onChange={(e) => setForm({ ...form, tests: e.target.value })} />
      </label>
      <ErrorBox error={start.error} />
      <button type="submit" disabled={start.busy}>
        Start kata
      </button>
    </form>
  );
}
