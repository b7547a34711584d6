import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { RouteOutput } from '../../../sdk/src';
import { client, me } from '../api';
import { ErrorBox } from '../ErrorBox';
import { navigate } from '../router';
import { useAction } from '../useAsync';

type Dojo = RouteOutput<'GET /v1/dojos'>['items'][number];
const TABS = [
  ['ACTIVE', 'Live'],
  ['SCHEDULED', 'Scheduled'],
  ['COMPLETED', 'Completed'],
] as const;
type Status = (typeof TABS)[number][0];

/** The dojos the user takes part in, by status; facilitators create, start and stop them here. */
export function Dojos() {
  const [status, setStatus] = useState<Status>(() => (sessionStorage.getItem('pocdojo.tab') as Status | null) ?? 'ACTIVE');
  const [dojos, setDojos] = useState<Dojo[] | undefined>(undefined);
  const [loadError, setLoadError] = useState<unknown>(undefined);
  const role = me()?.role;
  const canRun = role === 'facilitator' || role === 'admin';
  // Only the newest load may fill the list: an older one (another tab's) may answer last.
  const latest = useRef(0);
  const load = useCallback(async () => {
    const mine = ++latest.current;
    try {
      const { items } = await client.rest.call('GET /v1/dojos', { query: { status, limit: 100 } });
      if (mine !== latest.current) return;
      setDojos(items);
      setLoadError(undefined);
    } catch (error) {
      if (mine === latest.current) setLoadError(error);
    }
  }, [status]);
  useEffect(() => {
    setDojos(undefined);
    void load();
  }, [load]);
  const act = useAction(async (what: 'start' | 'stop', dojo: Dojo) => {
    await client.rest.call(what === 'start' ? 'POST /v1/dojo/start' : 'POST /v1/dojo/stop', { body: { tenant_id: dojo.tenant_id, dojo_id: dojo.id } });
    if (what === 'start') {
      // Coming back from the room, the list opens on the live dojos.
      sessionStorage.setItem('pocdojo.tab', 'ACTIVE');
      navigate(`/dojos/${dojo.id}`);
    } else await load();
  });
  const pick = (next: Status) => {
    sessionStorage.setItem('pocdojo.tab', next);
    setStatus(next);
  };
  return (
    <section aria-labelledby="dojos-title">
      <h1 id="dojos-title">Dojos</h1>
      {canRun && <CreateDojo onCreated={() => (status === 'SCHEDULED' ? void load() : pick('SCHEDULED'))} />}
      <div role="tablist" aria-label="Dojo status" className="tabs">
        {TABS.map(([value, label]) => (
          <button key={value} role="tab" type="button" aria-selected={status === value} onClick={() => pick(value)}>
            {label}
          </button>
        ))}
      </div>
      <ErrorBox error={loadError ?? act.error} />
      {dojos === undefined && !loadError && <p role="status">Loading…</p>}
      {dojos?.length === 0 && <p>No {status.toLowerCase()} dojos.</p>}
      <ul className="dojos" data-testid="dojo-list">
        {dojos?.map((dojo) => (
          <li key={dojo.id} className="dojo" data-dojo={dojo.id}>
            <div>
              <strong>{dojo.subject}</strong>
              <span className="muted">
                {' '}
                {new Date(dojo.dojo_date).toLocaleString()} · {dojo.language ?? 'any language'} · {dojo.status.toLowerCase()}
              </span>
            </div>
            <div className="actions">
              {dojo.status === 'ACTIVE' && (
                <button type="button" onClick={() => navigate(`/dojos/${dojo.id}`)}>
                  Join
                </button>
              )}
              {canRun && dojo.status === 'SCHEDULED' && (
                <button type="button" disabled={act.busy} onClick={() => void act.run('start', dojo)}>
                  Start
                </button>
              )}
              {canRun && (dojo.status === 'ACTIVE' || dojo.status === 'SCHEDULED') && (
                <button type="button" className="danger" disabled={act.busy} onClick={() => void act.run('stop', dojo)}>
                  {dojo.status === 'ACTIVE' ? 'Stop' : 'Cancel'}
                </button>
              )}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Schedule a dojo: members by username (facilitators cannot list the tenant's users; they can look one up). */
function CreateDojo({ onCreated }: { onCreated(): void }) {
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState({ subject: '', language: 'javascript', date: localDateTime(new Date(Date.now() + 5 * 60_000)), members: '' });
  const create = useAction(async () => {
    const who = me();
    if (!who) return;
    const names = form.members
      .split(/[\s,]+/)
      .map((n) => n.trim())
      .filter(Boolean);
    const members = await Promise.all(names.map(async (username) => (await client.rest.call('GET /v1/user', { query: { username } })).id));
    await client.rest.call('POST /v1/dojo/create', {
      body: { tenant_id: who.tenantId, subject: form.subject, language: form.language || undefined, dojo_date: new Date(form.date).toISOString(), members },
    });
    setOpen(false);
    setForm({ ...form, subject: '', members: '' });
    onCreated();
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void create.run();
  };
  if (!open)
    return (
      <button type="button" onClick={() => setOpen(true)}>
        New dojo
      </button>
    );
  return (
    <form className="card" onSubmit={submit} aria-label="New dojo">
      <label>
        Subject
        <input name="subject" required value={form.subject} onChange={(e) => setForm({ ...form, subject: e.target.value })} />
      </label>
      <label>
        Language
        <input name="language" value={form.language} onChange={(e) => setForm({ ...form, language: e.target.value })} />
      </label>
      <label>
        Date
        <input name="date" type="datetime-local" required value={form.date} onChange={(e) => setForm({ ...form, date: e.target.value })} />
      </label>
      <label>
        Members (usernames, comma-separated)
        <input name="members" value={form.members} onChange={(e) => setForm({ ...form, members: e.target.value })} />
      </label>
      <ErrorBox error={create.error} />
      <div className="actions">
        <button type="submit" disabled={create.busy}>
          Create
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          Close
        </button>
      </div>
    </form>
  );
}

function localDateTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
