// A way to empty the browser's cache of parsed layer indexes (IndexedDB, keyed by layer digest).
import { useState } from 'react';
import { clearLayerCache } from '../../queries/analysis-queries.ts';

export function CacheControl() {
  const [state, setState] = useState<'idle' | 'busy' | 'done' | 'failed'>('idle');
  const [message, setMessage] = useState('');
  const onClick = () => {
    setState('busy');
    clearLayerCache().then(
      () => { setState('done'); setMessage('Layer cache emptied: images are downloaded and indexed again on the next open.'); },
      (e: unknown) => { setState('failed'); setMessage(`Could not empty the layer cache: ${(e as Error).message}. Clear this site's data in the browser settings instead.`); },
    );
  };
  return (
    <span className="cache-control">
      <button type="button" onClick={onClick} disabled={state === 'busy'} aria-label="Empty the layer cache">
        {state === 'busy' ? 'Emptying…' : 'Empty layer cache'}
      </button>
      {message && <span role="status"> {message}</span>}
    </span>
  );
}
