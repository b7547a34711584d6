import { useCallback, useEffect, useState } from 'react';
import type { RouteOutput } from '../../../sdk/src';
import { client, me } from '../api';
import { ErrorBox } from '../ErrorBox';
import { useAction } from '../useAsync';

type Video = RouteOutput<'GET /v1/videos'>['items'][number];
type Report = RouteOutput<'GET /v1/reports'>['items'][number];
const RUNNING = new Set(['PENDING', 'PROCESSING']);

/** Yearly videos (everyone) and reports (admins queue the annual one): progress while they render, download when done. */
export function Reports() {
  const [videos, setVideos] = useState<Video[]>([]);
  const [reports, setReports] = useState<Report[]>([]);
  const [error, setError] = useState<unknown>(undefined);
  const [year, setYear] = useState(new Date().getFullYear());
  const admin = me()?.role === 'admin';
  const load = useCallback(async () => {
    try {
      const [v, r] = await Promise.all([client.rest.call('GET /v1/videos', { query: { limit: 20 } }), client.rest.call('GET /v1/reports', { query: { limit: 20 } })]);
      setVideos(v.items);
      setReports(r.items);
      setError(undefined);
    } catch (e) {
      setError(e);
    }
  }, []);
  const running = videos.some((v) => RUNNING.has(v.status)) || reports.some((r) => RUNNING.has(r.status));
  useEffect(() => {
    void load();
    // While something renders, its progress is asked for every 2 s.
    if (!running) return;
    const timer = setInterval(() => void load(), 2000);
    return () => clearInterval(timer);
  }, [load, running]);
  const video = useAction(async () => {
    await client.rest.call('POST /v1/videos/generate', { body: { year } });
    await load();
  });
  const annual = useAction(async () => {
    await client.rest.call('POST /v1/report/anual', { body: { year, format: 'pdf' } });
    await load();
  });
  const download = useAction(async (kind: 'video' | 'report', id: string) => {
    const { url } = kind === 'video' ? await client.rest.call('GET /v1/videos/{id}/download', { params: { id } }) : await client.rest.call('GET /v1/reports/{id}/download', { params: { id } });
    location.assign(url);
  });
  return (
    <section aria-labelledby="reports-title">
      <h1 id="reports-title">Reports and videos</h1>
      <div className="actions card">
        <label>
          Year
          <input type="number" min={2000} max={new Date().getFullYear()} value={year} onChange={(e) => setYear(Number(e.target.value))} />
        </label>
        <button type="button" disabled={video.busy} onClick={() => void video.run()}>
          Make my video of {year}
        </button>
        {admin && (
          <button type="button" disabled={annual.busy} onClick={() => void annual.run()}>
            Annual report {year} (PDF)
          </button>
        )}
      </div>
      <ErrorBox error={error ?? video.error ?? annual.error ?? download.error} />
      <h2>Videos</h2>
      <Jobs items={videos.map((v) => ({ id: v.id, label: `Video ${v.year}`, status: v.status, progress: v.progress, error: v.error }))} onDownload={(id) => void download.run('video', id)} />
      <h2>Reports</h2>
      <Jobs
        items={reports.map((r) => ({ id: r.id, label: `${r.type.toLowerCase().replace(/_/g, ' ')} ${r.year ?? ''} (${r.format})`, status: r.status, progress: r.progress, error: r.error }))}
        onDownload={(id) => void download.run('report', id)}
      />
    </section>
  );
}

function Jobs({ items, onDownload }: { items: Array<{ id: string; label: string; status: string; progress: number; error: string | null }>; onDownload(id: string): void }) {
  if (items.length === 0) return <p className="muted">None yet.</p>;
  return (
    <ul className="dojos">
      {items.map((item) => (
        <li key={item.id} className="dojo">
          <div>
            <strong>{item.label}</strong> <span className="muted">{item.status.toLowerCase()}</span>
            {RUNNING.has(item.status) && <progress max={100} value={item.progress} aria-label={`${item.label} progress`} />}
            {item.error && <span className="error">{item.error}</span>}
          </div>
          {item.status === 'COMPLETED' && (
            <button type="button" onClick={() => onDownload(item.id)}>
              Download
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}
