// The open image's heading: name, format, manifest digest, overall progress, warnings, platform picker, a close
// button (which cancels downloads) and any failure with what to do. Page side.
import { useImageSession } from '../../state/image-session.ts';
import { useUiStore } from '../../state/ui-store.ts';
import { FailureNotice } from '../common/FailureNotice.tsx';
import { formatBytes, shortDigest } from '../common/format.ts';
import { PlatformPicker } from '../picker/PlatformPicker.tsx';

export function ImageHeader() {
  const s = useImageSession();
  const setImage = useUiStore((u) => u.setImage);
  if (s.status === 'idle') return null;
  const name = s.source?.kind === 'file' ? s.source.file.name : s.source?.reference ?? '';
  const done = s.layers.filter((l) => l !== undefined && l.status !== 'loading' && l.status !== 'queued').length;
  const failed = s.layers.filter((l) => l?.status === 'failed').length;
  // A full browser store is told once for the image, not only in a layer's tooltip (hardening B4).
  const cacheFull = s.layers.some((l) => l?.warnings.some((w) => w.code === 'CACHE_FULL') === true);
  const bytes = s.layers.reduce((n, l) => n + (l?.compressedBytes ?? 0), 0);
  const close = () => {
    setImage(null, null);
    s.closeImage();
  };
  return (
    <section className="image-header" aria-label="Image">
      <h2>{name}</h2>
      <p className="hint">
        {s.info !== null ? `${s.info.format} · ${s.info.platform} · manifest ${shortDigest(s.info.manifestDigest)} · config ${shortDigest(s.info.configDigest)}` : 'Reading manifest and config…'}
      </p>
      <p role="status" className="overall">
        {s.status === 'loading' && (s.info === null ? 'Resolving the image…' : `Loading layers: ${done} of ${s.layers.length} done, ${formatBytes(bytes)} read`)}
        {s.status === 'ready' && `Ready: ${s.layers.length} layers${failed > 0 ? `, ${failed} failed` : ''}`}
        {s.status === 'failed' && 'Failed'}
      </p>
      <PlatformPicker />
      <button type="button" onClick={close}>Close image</button>
      {s.info?.warnings.map((w) => <p key={w} className="warning">{w}</p>)}
      {cacheFull && <p className="warning cache-full">Browser storage is full: layer indexes are not being cached, so this image will be downloaded again next time; the analysis goes on without caching.</p>}
      {s.failure !== null && <FailureNotice failure={s.failure} title={s.info === null ? `Could not open ${name}` : `Some of ${name} could not be read`} onRetry={s.retry} />}
    </section>
  );
}
