// One side (A or B) of the Compare page: the image picker and archive opener reused from the explorer, the platform
// of a multi-platform image, loading progress and any failure with what to do. Page side.
import { useCompareSession } from '../../state/compare-session.ts';
import { setCompareSide } from '../../state/page-actions.ts';
import type { CompareSideName } from '../../state/page-url-state.ts';
import { useUiStore } from '../../state/ui-store.ts';
import { FailureNotice } from '../common/FailureNotice.tsx';
import { shortDigest } from '../common/format.ts';
import { ArchiveOpener } from '../picker/ArchiveOpener.tsx';
import { ImagePicker } from '../picker/ImagePicker.tsx';
import { PlatformPicker } from '../picker/PlatformPicker.tsx';

export function CompareSide({ side }: { readonly side: CompareSideName }) {
  const reference = useUiStore((s) => s.compare[side]);
  const s = useCompareSession((c) => c[side]);
  const openSide = useCompareSession((c) => c.openSide);
  const retrySide = useCompareSession((c) => c.retrySide);
  const letter = side.toUpperCase();
  const name = s.source?.kind === 'file' ? s.source.file.name : s.source?.reference ?? '';
  const done = s.layers.filter((l) => l !== undefined && l.status !== 'loading' && l.status !== 'queued').length;
  const choosePlatform = (platform: string) => {
    if (s.source?.kind === 'registry') setCompareSide(side, s.source.reference, platform);
    else if (s.source !== null) openSide(side, { ...s.source, platform });
  };
  const openFile = (file: File) => {
    setCompareSide(side, null, null);
    openSide(side, { kind: 'file', file, platform: null });
  };
  return (
    <section className="compare-side" aria-label={`Image ${letter}`}>
      <h2>Image {letter}{name !== '' && <span className="side-name"> · {name}</span>}</h2>
      <ImagePicker label={`Open image ${letter}`} target={{ reference, onOpen: (ref) => setCompareSide(side, ref, null) }} />
      <ArchiveOpener onFile={openFile} />
      <div className="side-status">
        <PlatformPicker info={s.info} onChoose={choosePlatform} />
        <p role="status" className="hint">
          {s.status === 'idle' && 'Choose an image.'}
          {s.status === 'loading' && (s.info === null ? 'Resolving the image…' : `Loading layers: ${done} of ${s.layers.length} done`)}
          {s.status === 'ready' && s.info !== null && `Ready: ${s.info.layers.length} layers · ${s.info.platform} · manifest ${shortDigest(s.info.manifestDigest)}`}
          {s.status === 'failed' && 'Failed'}
        </p>
      </div>
      {s.failure !== null && <FailureNotice failure={s.failure} title={`Could not open image ${letter}`} onRetry={() => retrySide(side)} />}
    </section>
  );
}
