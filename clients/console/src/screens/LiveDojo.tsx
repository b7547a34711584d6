import { lazy, Suspense, useEffect, useRef, useState, type FormEvent } from 'react';
import type { ChatMessage, Participant, Room, RouteOutput } from '../../../sdk/src';
import { client, me } from '../api';
import { ErrorBox } from '../ErrorBox';
import { linkProps } from '../router';
import { useAction } from '../useAsync';
import type { Media } from '../media/seam';
import { VideoTiles } from './VideoTiles';
import { KataPanel, RunPanel } from './Kata';

// CodeMirror is most of the console's weight: it loads when a room is open, not with the list.
const Editor = lazy(() => import('./Editor'));

type Details = RouteOutput<'GET /v1/dojos/{id}'>;

// Leaving is a request; a join made before its answer would get the room being left (one Room per
// connection), so the next join waits for the last leave.
let leaving: Promise<unknown> = Promise.resolve();
type Ended = 'kicked' | 'closed' | 'moved' | undefined;

/** The live dojo: people, chat, the shared editor, recording; facilitators mute and kick. */
export function LiveDojo({ dojoId, mainDojoId }: { dojoId: string; mainDojoId?: string }) {
  const [room, setRoom] = useState<Room | undefined>(undefined);
  const [joinError, setJoinError] = useState<unknown>(undefined);
  const [details, setDetails] = useState<Details | undefined>(undefined);
  const [members, setMembers] = useState<Participant[]>([]);
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [recording, setRecording] = useState<string | null>(null);
  const [mutedBy, setMutedBy] = useState<string | undefined>(undefined);
  const [ended, setEnded] = useState<Ended>(undefined);
  const [connection, setConnection] = useState<string>('open');
  const [media, setMedia] = useState<Media | undefined>(undefined);
  const [breakout, setBreakout] = useState<string | undefined>(undefined);

  useEffect(() => {
    let live = true;
    let joined: Room | undefined;
    const offs: Array<() => void> = [];
    const refreshDetails = () =>
      client.rest.call('GET /v1/dojos/{id}', { params: { id: dojoId } }).then(
        (d) => live && setDetails(d),
        () => undefined,
      );
    void refreshDetails();
    // mediasoup-client loads with the room, not with the list; a browser without WebRTC joins without media.
    const withMedia = typeof RTCPeerConnection === 'function' ? import('../media/seam').then((m) => m.createMedia()).catch(() => undefined) : Promise.resolve(undefined);
    Promise.all([withMedia, leaving])
      .then(([m]) => {
        if (live) setMedia(m);
        return client.join(dojoId, { media: m });
      })
      .then(
        (r) => {
          if (!live) {
            // Unmounted while joining: the next join waits for this leave too.
            leaving = r.leave().catch(() => undefined);
            return;
          }
          joined = r;
          setRoom(r);
          setMembers([...r.members.values()]);
          setMessages(r.messages);
          setRecording(r.recording);
          const self = me()?.userId;
          if (self && r.members.get(self)?.muted) setMutedBy('a facilitator');
          offs.push(
            r.on('members', (m) => {
              setMembers([...m.values()]);
              void refreshDetails();
            }),
            r.on('chat', () => setMessages(r.messages)),
            r.on('chatDeleted', () => setMessages(r.messages)),
            r.on('recording', (id) => setRecording(id)),
            r.on('muted', ({ userId, by }) => {
              if (userId === me()?.userId) setMutedBy(by);
            }),
            r.on('kicked', () => setEnded('kicked')),
            r.on('closed', () => setEnded((e) => e ?? 'closed')),
            // A kata moved this user to a breakout room: the main room closes for them with reason 'moved'.
            r.onPush('kata.roomAssigned', ({ roomId, userIds }) => {
              if (userIds.includes(me()?.userId ?? '')) setBreakout(roomId ?? undefined);
            }),
            // On the connection: the Room stops passing pushes on once it closed itself for this one.
            client.connection.onPush('room.closed', ({ dojoId: closed, reason }) => {
              if (closed === dojoId && reason === 'moved') setEnded('moved');
            }),
            client.connection.on('state', (state) => setConnection(state)),
          );
        },
        (error: unknown) => live && setJoinError(error),
      );
    return () => {
      live = false;
      for (const off of offs) off();
      if (joined) leaving = joined.leave().catch(() => undefined);
    };
  }, [dojoId]);

  const nameOf = (userId: string) => {
    const p = details?.participants.find((x) => x.user_id === userId);
    return p ? `${p.first_name} ${p.last_name} (${p.username})` : userId.slice(0, 8);
  };
  if (ended === 'moved')
    return (
      <section>
        <p role="status">You were moved to a breakout room of the kata.</p>
        {breakout && <a {...linkProps(`/dojos/${breakout}?main=${dojoId}`)}>Go to the breakout room</a>}
      </section>
    );
  if (ended)
    return (
      <section>
        <p role="status">{ended === 'kicked' ? 'A facilitator removed you from this dojo.' : 'The dojo has ended.'}</p>
        <a {...linkProps('/')}>Back to the dojos</a>
      </section>
    );
  if (joinError) return <ErrorBox error={joinError} />;
  if (!room) return <p role="status">Joining…</p>;
  const facilitator = room.role === 'facilitator';
  return (
    <section className="live" aria-label={details?.subject ?? 'Live dojo'}>
      <header className="live-head">
        <h1>{details?.subject ?? 'Live dojo'}</h1>
        <span className={`badge ${recording ? 'rec' : ''}`} data-testid="recording-indicator" role="status">
          {recording ? '● Recording' : 'Not recording'}
        </span>
        {connection !== 'open' && <span className="badge warn">{connection}…</span>}
        <span className="muted">You are {room.role}</span>
      </header>
      {mutedBy && (
        <p className="notice" role="alert" data-testid="muted-notice">
          You were muted by {mutedBy === 'a facilitator' ? mutedBy : nameOf(mutedBy)}.
        </p>
      )}
      <div className="live-grid">
        <div className="editor-pane">
          {media && <VideoTiles media={media} nameOf={nameOf} mutedByFacilitator={mutedBy !== undefined} />}
          <Suspense fallback={<p role="status">Loading the editor…</p>}>
            <Editor room={room} name={nameOf(me()?.userId ?? '')} language={details?.language ?? null} />
          </Suspense>
          <RunPanel room={room} language={details?.language ?? null} />
        </div>
        <aside className="side">
          {mainDojoId ? (
            <section>
              <p>A breakout room of the kata.</p>
              <a {...linkProps(`/dojos/${mainDojoId}`)}>Back to the main room</a>
            </section>
          ) : (
            <KataPanel room={room} dojoId={dojoId} />
          )}
          <Participants room={room} members={members} nameOf={nameOf} facilitator={facilitator} />
          <Recording room={room} dojoId={dojoId} recording={recording} facilitator={facilitator} />
          <Chat room={room} messages={messages} nameOf={nameOf} />
        </aside>
      </div>
    </section>
  );
}

function Participants({ room, members, nameOf, facilitator }: { room: Room; members: Participant[]; nameOf(id: string): string; facilitator: boolean }) {
  const act = useAction((what: 'mute' | 'kick', userId: string) => (what === 'mute' ? room.mute(userId) : room.kick(userId)));
  const self = me()?.userId;
  return (
    <section aria-labelledby="people">
      <h2 id="people">People ({members.length})</h2>
      <ul className="people" data-testid="participants">
        {members.map((m) => (
          <li key={m.userId} data-user={m.userId}>
            <span>
              {nameOf(m.userId)} <span className="role">{m.role}</span>
              {m.muted && <span className="badge">muted</span>}
            </span>
            {facilitator && m.userId !== self && (
              <span className="actions">
                <button type="button" disabled={act.busy || m.muted} onClick={() => void act.run('mute', m.userId)} aria-label={`Mute ${nameOf(m.userId)}`}>
                  Mute
                </button>
                <button type="button" className="danger" disabled={act.busy} onClick={() => void act.run('kick', m.userId)} aria-label={`Remove ${nameOf(m.userId)}`}>
                  Kick
                </button>
              </span>
            )}
          </li>
        ))}
      </ul>
      <ErrorBox error={act.error} />
    </section>
  );
}

function Recording({ room, dojoId, recording, facilitator }: { room: Room; dojoId: string; recording: string | null; facilitator: boolean }) {
  const toggle = useAction(() => room.setRecording(!recording));
  const download = useAction(async () => {
    // The API answers a JSON client with the pre-signed link instead of a redirect (a page cannot read a redirect's target).
    const { url } = await client.rest.call('GET /v1/dojos/{id}/recording', { params: { id: dojoId } });
    const a = document.createElement('a');
    a.href = url;
    a.download = `dojo-${dojoId}.webm`;
    a.rel = 'noopener';
    document.body.append(a);
    a.click();
    a.remove();
  });
  return (
    <section aria-labelledby="rec">
      <h2 id="rec">Recording</h2>
      <div className="actions">
        {facilitator && (
          <button type="button" disabled={toggle.busy} onClick={() => void toggle.run()}>
            {recording ? 'Stop recording' : 'Start recording'}
          </button>
        )}
        <button type="button" disabled={download.busy} onClick={() => void download.run()}>
          Download last recording
        </button>
      </div>
      <ErrorBox error={toggle.error ?? download.error} />
    </section>
  );
}

function Chat({ room, messages, nameOf }: { room: Room; messages: ChatMessage[]; nameOf(id: string): string }) {
  const [text, setText] = useState('');
  const list = useRef<HTMLOListElement>(null);
  const send = useAction((t: string) => room.sendChat(t));
  useEffect(() => {
    list.current?.lastElementChild?.scrollIntoView({ block: 'nearest' });
  }, [messages.length]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const t = text.trim();
    if (!t) return;
    setText('');
    void send.run(t);
  };
  return (
    <section aria-labelledby="chat" className="chat">
      <h2 id="chat">Chat</h2>
      <ol ref={list} aria-live="polite" data-testid="chat-messages">
        {messages.map((m) => (
          <li key={m.messageId}>
            <span className="who">{nameOf(m.userId)}</span> {m.text}
          </li>
        ))}
      </ol>
      <form onSubmit={submit}>
        <label className="sr-only" htmlFor="chat-input">
          Message
        </label>
        <input id="chat-input" value={text} onChange={(e) => setText(e.target.value)} placeholder="Say something" autoComplete="off" />
        <button type="submit">Send</button>
      </form>
      <ErrorBox error={send.error} />
    </section>
  );
}
