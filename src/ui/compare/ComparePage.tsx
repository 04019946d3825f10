// The Compare page: two images side by side (two tags, two registries, or an image and a local archive), then what
// they share and how their files differ once both have loaded. Page side.
import { useCompareSession } from '../../state/compare-session.ts';
import { swapCompareSides } from '../../state/page-actions.ts';
import './compare.css';
import { CompareResults } from './CompareResults.tsx';
import { CompareSide } from './CompareSide.tsx';
import { useCompareFromUrl } from './use-compare-from-url.ts';

export function ComparePage() {
  useCompareFromUrl();
  const a = useCompareSession((s) => s.a);
  const b = useCompareSession((s) => s.b);
  const bothRegistry = a.source?.kind !== 'file' && b.source?.kind !== 'file';
  return (
    <div className="compare">
      <div className="compare-sides">
        <CompareSide side="a" />
        <CompareSide side="b" />
      </div>
      {bothRegistry && <button type="button" className="swap" onClick={swapCompareSides}>Swap A and B</button>}
      {a.status === 'ready' && b.status === 'ready' && a.info !== null && b.info !== null && a.imageId !== null && b.imageId !== null
        ? <CompareResults a={{ imageId: a.imageId, info: a.info }} b={{ imageId: b.imageId, info: b.info }} />
        : <p className="intro">Choose two images — two tags, two registries, or an image and a local archive. Their layers are read in your browser; the comparison appears once both have loaded.</p>}
    </div>
  );
}
