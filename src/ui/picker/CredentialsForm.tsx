// Asks for a username and password (or token) for one registry after it answered 401. Credentials stay in memory,
// in sessionStorage only when "Remember for this browser tab" is ticked, and go only to that registry. Page side.
import { useId, useState, type FormEvent } from 'react';
import { useCredentialsStore } from '../../state/credentials-store.ts';

type Props = { readonly registry: string; readonly onSaved?: (() => void) | undefined };

export function CredentialsForm({ registry, onSaved }: Props) {
  const id = useId();
  const setCredentials = useCredentialsStore((s) => s.setCredentials);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [remember, setRemember] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setCredentials(registry, { username, password }, remember);
    onSaved?.();
  };
  return (
    <form className="credentials" aria-labelledby={`${id}-title`} onSubmit={submit}>
      <p id={`${id}-title`}><strong>Sign in to {registry}</strong> — the registry needs credentials. They are sent only to {registry}.</p>
      <label>Username <input autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required /></label>
      <label>Password or token <input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required /></label>
      <label className="inline"><input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} /> Remember for this browser tab</label>
      <button type="submit">Sign in and retry</button>
    </form>
  );
}
