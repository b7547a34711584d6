import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { client, signedIn } from './api';
import { navigate, useLocation, linkProps } from './router';
import { SignIn } from './screens/SignIn';
import { Confirm } from './screens/Confirm';
import { Dojos } from './screens/Dojos';
import { LiveDojo } from './screens/LiveDojo';
import { Reports } from './screens/Reports';
import { Search } from './screens/Search';
import './styles.css';

function App() {
  const { path, query } = useLocation();
  const [, setAuthed] = useState(signedIn());
  useEffect(() => {
    const offChanged = client.auth.on('changed', () => setAuthed(signedIn()));
    const offEnded = client.auth.on('ended', () => navigate('/signin', true));
    return () => {
      offChanged();
      offEnded();
    };
  }, []);
  if (path === '/confirm') return <Confirm token={query.get('token') ?? ''} />;
  if (!signedIn() || path === '/signin' || path === '/signup') return <SignIn mode={path === '/signup' ? 'signup' : 'signin'} />;
  const live = /^\/dojos\/([0-9a-f-]{36})$/.exec(path);
  return (
    <>
      <header className="bar">
        <a className="brand" {...linkProps('/')}>
          pocdojo
        </a>
        <nav aria-label="main">
          <a {...linkProps('/')}>Dojos</a>
          <a {...linkProps('/pocs')}>POCs</a>
          <a {...linkProps('/reports')}>Reports</a>
        </nav>
        <button
          type="button"
          onClick={() => {
            void client.logout().catch(() => undefined);
            client.auth.set(undefined);
            navigate('/signin');
          }}
        >
          Sign out
        </button>
      </header>
      <main>{live ? <LiveDojo key={live[1]} dojoId={live[1]!} mainDojoId={query.get('main') ?? undefined} /> : path === '/pocs' ? <Search /> : path === '/reports' ? <Reports /> : <Dojos />}</main>
    </>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
