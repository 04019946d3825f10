// The two layer stacks side by side: each layer marked shared (same digest), recompressed (same diffId, another
// digest) or only in its image, the relation of the layers at each position, and the first position that differs.
import type { CompareAnswer, ImageInfo, LayerSummary } from '../../protocol/messages.ts';
import { formatBytes, shortDigest, trimCreatedBy } from '../common/format.ts';

type Props = { readonly answer: CompareAnswer; readonly a: ImageInfo; readonly b: ImageInfo };
type Mark = 'shared' | 'recompressed' | 'only';

export function LayerStacks({ answer, a, b }: Props) {
  const shared = new Set(answer.shared);
  const recompressed = new Set(answer.sharedByDiffId.flatMap((s) => [s.digestA, s.digestB]));
  const markOf = (l: LayerSummary): Mark => (l.digest !== null && shared.has(l.digest) ? 'shared' : l.digest !== null && recompressed.has(l.digest) ? 'recompressed' : 'only');
  const rows = Math.max(a.layers.length, b.layers.length);
  return (
    <div className="stacks-scroll">
      <table className="layer-stacks" aria-label="Layers side by side">
        <thead>
          <tr><th scope="col">#</th><th scope="col">Image A</th><th scope="col">At this position</th><th scope="col">Image B</th></tr>
        </thead>
        <tbody>
          {Array.from({ length: rows }, (_, i) => {
            const la = a.layers[i];
            const lb = b.layers[i];
            const first = answer.firstDifference === i;
            return (
              <tr key={i} className={first ? 'first-diff' : undefined} data-layer={i}>
                <th scope="row">{i}</th>
                <td>{la !== undefined && <LayerCell layer={la} mark={markOf(la)} side="A" />}</td>
                <td className="relation">{relationOf(la, lb)}{first && <strong className="first-label"> · first difference</strong>}</td>
                <td>{lb !== undefined && <LayerCell layer={lb} mark={markOf(lb)} side="B" />}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function relationOf(a: LayerSummary | undefined, b: LayerSummary | undefined): string {
  if (a === undefined || b === undefined) return a === undefined ? 'only B has a layer here' : 'only A has a layer here';
  if (a.digest !== null && a.digest === b.digest) return '= same layer';
  if (a.diffId !== null && a.diffId === b.diffId) return '≈ same content, recompressed';
  return '≠ different';
}

const MARK_TEXT: Record<Mark, string> = { shared: 'shared', recompressed: 'shared (recompressed)', only: 'only in' };

function LayerCell({ layer, mark, side }: { readonly layer: LayerSummary; readonly mark: Mark; readonly side: 'A' | 'B' }) {
  return (
    <div className={`layer-cell mark-${mark}`} title={`digest ${layer.digest ?? '?'}\ndiffId ${layer.diffId ?? '?'}\n${layer.createdBy ?? ''}`}>
      <span className="badge">{mark === 'only' ? `${MARK_TEXT.only} ${side}` : MARK_TEXT[mark]}</span>
      <code>{shortDigest(layer.digest)}</code> <span className="hint">{formatBytes(layer.size)}</span>
      <div className="cmd">{trimCreatedBy(layer.createdBy, 80)}</div>
    </div>
  );
}
