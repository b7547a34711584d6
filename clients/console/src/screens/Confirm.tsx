import { useEffect, useState } from 'react';
import { client } from '../api';
import { ErrorBox } from '../ErrorBox';
import { linkProps } from '../router';

/** Where the confirmation mail's link lands: posts the token once, then offers sign-in. */
export function Confirm({ token }: { token: string }) {
  const [state, setState] = useState<'working' | 'done' | { error: unknown }>('working');
  useEffect(() => {
    let live = true;
    client.rest.callPublic('POST /v1/account/confirm', { body: { token } }).then(
      () => live && setState('done'),
      (error: unknown) => live && setState({ error }),
    );
    return () => {
      live = false;
    };
  }, [token]);
  return (
    <main className="narrow">
      <h1>Confirm your account</h1>
      {state === 'working' && <p role="status">Confirming…</p>}
      {state === 'done' && <p role="status">Your account is confirmed.</p>}
      {typeof state === 'object' && <ErrorBox error={state.error} />}
      <p>
        <a {...linkProps('/signin')}>Sign in</a>
      </p>
    </main>
  );
}
