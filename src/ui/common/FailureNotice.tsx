// Shows a failure: what failed and what to do, a retry countdown for 429, and the credentials form on 401.
// Page side.
import { useEffect, useState } from 'react';
import { needsCredentials, type Failure } from '../../state/failure.ts';
import { CredentialsForm } from '../picker/CredentialsForm.tsx';

type Props = { readonly failure: Failure; readonly title: string; readonly onRetry?: (() => void) | undefined };

export function FailureNotice({ failure, title, onRetry }: Props) {
  const wait = useCountdown(failure.retryAfterMs);
  const askCredentials = needsCredentials(failure) && failure.registry !== null;
  return (
    <div className="failure" role="alert">
      <p><strong>{title}</strong> <code>{failure.code}</code></p>
      <p>{failure.message}</p>
      {failure.retryAfterMs !== null && <p>The registry asks us to wait: {wait > 0 ? `retry in ${wait} s` : 'you can retry now'}.</p>}
      {askCredentials && failure.registry !== null
        ? <CredentialsForm registry={failure.registry} onSaved={onRetry} />
        : onRetry && <button type="button" onClick={onRetry} disabled={wait > 0}>Retry</button>}
    </div>
  );
}

function useCountdown(ms: number | null): number {
  const [left, setLeft] = useState(() => (ms === null ? 0 : Math.ceil(ms / 1000)));
  useEffect(() => {
    setLeft(ms === null ? 0 : Math.ceil(ms / 1000));
    if (ms === null) return;
    const t = setInterval(() => setLeft((s) => (s > 0 ? s - 1 : 0)), 1000);
    return () => clearInterval(t);
  }, [ms]);
  return left;
}
