import { useState, type FormEvent } from 'react';
import { client } from '../api';
import { ErrorBox } from '../ErrorBox';
import { linkProps, navigate } from '../router';
import { useAction } from '../useAsync';

/** Sign in, or sign up (a new organisation, or an account in an existing one); sign-up ends with a mail to confirm. */
export function SignIn({ mode }: { mode: 'signin' | 'signup' }) {
  const [form, setForm] = useState({ tenant: localStorage.getItem('pocdojo.tenant') ?? '', username: '', password: '', firstName: '', lastName: '', email: '', organisation: '' });
  const [newTenant, setNewTenant] = useState(false);
  const [sent, setSent] = useState(false);
  const field = (name: keyof typeof form, label: string, type = 'text', autoComplete?: string) => (
    <label>
      {label}
      <input name={name} type={type} required autoComplete={autoComplete} value={form[name]} onChange={(e) => setForm({ ...form, [name]: e.target.value })} />
    </label>
  );
  const signIn = useAction(async () => {
    await client.login(form.tenant.trim(), form.username.trim(), form.password);
    localStorage.setItem('pocdojo.tenant', form.tenant.trim());
    navigate('/', true);
  });
  const signUp = useAction(async () => {
    const person = { firstName: form.firstName, lastName: form.lastName, email: form.email, username: form.username, password: form.password };
    if (newTenant) await client.rest.callPublic('POST /v1/tenants', { body: { name: form.organisation, slug: form.tenant, admin: person } });
    else await client.rest.callPublic('POST /v1/account', { body: { tenant: form.tenant, ...person } });
    setSent(true);
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void (mode === 'signin' ? signIn.run() : signUp.run());
  };
  const action = mode === 'signin' ? signIn : signUp;
  return (
    <main className="narrow">
      <h1>{mode === 'signin' ? 'Sign in' : 'Sign up'}</h1>
      {sent ? (
        <p role="status">Check your mail: the confirmation link activates the account, then sign in.</p>
      ) : (
        <form onSubmit={submit}>
          {mode === 'signup' && (
            <label className="check">
              <input type="checkbox" checked={newTenant} onChange={(e) => setNewTenant(e.target.checked)} /> Create a new organisation
            </label>
          )}
          {mode === 'signup' && newTenant && field('organisation', 'Organisation name')}
          {field('tenant', newTenant ? 'Organisation id (lower case, digits, -)' : 'Organisation', 'text', 'organization')}
          {mode === 'signup' && field('firstName', 'First name', 'text', 'given-name')}
          {mode === 'signup' && field('lastName', 'Last name', 'text', 'family-name')}
          {mode === 'signup' && field('email', 'Email', 'email', 'email')}
          {field('username', 'Username', 'text', 'username')}
          {field('password', 'Password', 'password', mode === 'signin' ? 'current-password' : 'new-password')}
          <ErrorBox error={action.error} />
          <button type="submit" disabled={action.busy}>
            {mode === 'signin' ? 'Sign in' : 'Sign up'}
          </button>
        </form>
      )}
      <p>{mode === 'signin' ? <a {...linkProps('/signup')}>No account? Sign up</a> : <a {...linkProps('/signin')}>Have an account? Sign in</a>}</p>
    </main>
  );
}
