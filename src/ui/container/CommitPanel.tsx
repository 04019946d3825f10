// `docker commit` of the container: pick the lane, then download an OCI archive or push `<repo>:<tag>` to this
// server's registry (or `host[:port]/repo:tag` to a registry strata serve allows pushes to, credentials on 401);
// shows the new layer's diffId, digest and ChainID and the tar's entries. Page side.
import { useState } from 'react';
import { useContainerStore } from '../../state/container-store.ts';
import { useUiStore } from '../../state/ui-store.ts';
import { formatBytes, shortDigest } from '../common/format.ts';
import { FailureNotice } from '../common/FailureNotice.tsx';
import { laneLabel } from './StepLog.tsx';
import { useCommit } from './use-commit.ts';
import { usePushTarget } from './use-push-target.ts';

export function CommitPanel({ imageId }: { imageId: string }) {
  const lanes = useContainerStore((s) => s.lanes);
  const commands = useContainerStore((s) => s.commands);
  const setImage = useUiStore((s) => s.setImage);
  const [laneIndex, setLaneIndex] = useState(0);
  const [target, setTarget] = useState('strata/committed:latest');
  const commit = useCommit(imageId, commands);
  const push = usePushTarget(target);
  const pushNow = () => commit.mutate({ lane, output: push.output(target) });
  const lane = lanes[Math.min(laneIndex, lanes.length - 1)]!;
  const pushTargets = push.pushHosts.length > 0 ? `this server, or host[:port]/repo:tag on ${push.pushHosts.join(', ')}` : 'this server only (other registries need strata serve --allow-push-host HOST)';
  const c = commit.data;
  const tag = target.includes(':') ? target.slice(target.lastIndexOf(':') + 1) : 'latest';
  return (
    <section className="commit" aria-label="Commit">
      <h3>Commit the container</h3>
      <div className="commit-form">
        <label>Driver <select aria-label="Commit driver" value={laneIndex} onChange={(e) => setLaneIndex(Number(e.target.value))}>
          {lanes.map((l, i) => <option key={i} value={i}>{laneLabel(l)}</option>)}
        </select></label>
        <label>Image name <input aria-label="Push as" value={target} onChange={(e) => setTarget(e.target.value)} placeholder="repo:tag" /></label>
        <button type="button" disabled={commit.isPending || commands.length === 0 || !push.allowed} onClick={pushNow}>{push.buttonLabel}</button>
        <button type="button" disabled={commit.isPending || commands.length === 0} onClick={() => commit.mutate({ lane, output: { kind: 'archive', tag } })}>Download OCI archive</button>
      </div>
      <p className="muted">Pushes go to {pushTargets}.</p>
      {push.refusal !== null && <p role="note" className="failure">{push.refusal}</p>}
      {commit.isPending && <p aria-live="polite">Committing: gzip, hashing, re-reading the image's layers…</p>}
      {commit.error && <FailureNotice title="Commit failed" failure={push.failureOf(commit.error)} onRetry={commit.variables?.output.kind === 'push' ? pushNow : undefined} />}
      {c && (
        <div className="commit-result" aria-live="polite">
          {c.pushedTo !== null && <p>Pushed to <code>{c.pushedTo}</code> <button type="button" onClick={() => setImage(c.pushedTo!, null)}>Open pushed image</button></p>}
          <dl>
            <dt>Method</dt><dd>{c.method}</dd>
            <dt>diffId</dt><dd><code title={c.diffId}>{shortDigest(c.diffId)}</code> (sha256 of the {formatBytes(c.tarBytes)} tar)</dd>
            <dt>digest</dt><dd><code title={c.digest}>{shortDigest(c.digest)}</code> (sha256 of the {formatBytes(c.layerBytes)} gzip blob)</dd>
            <dt>ChainID</dt><dd><code title={c.chainId}>{shortDigest(c.chainId)}</code></dd>
            <dt>manifest</dt><dd><code title={c.manifestDigest}>{shortDigest(c.manifestDigest)}</code></dd>
          </dl>
          <pre className="tar-listing" aria-label="Commit tar entries">{c.entries.join('\n')}</pre>
          {c.notes.map((n) => <p key={n} className="muted">{n}</p>)}
        </div>
      )}
    </section>
  );
}
