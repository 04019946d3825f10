// A small SVG bar chart of layer sizes (uncompressed bar, compressed overlay), clickable to select a layer.
// Page side.
import type { LayerStep } from './use-layer-steps.ts';
import { formatBytes } from '../common/format.ts';

type Props = { readonly steps: readonly LayerStep[]; readonly selected: number; readonly onSelect: (layer: number) => void };

export function LayerSizeChart({ steps, selected, onSelect }: Props) {
  const layers = steps.filter((s) => s.kind === 'layer');
  if (layers.length === 0) return null;
  const sizes = layers.map((s) => ({ layer: s.layer, compressed: s.summary?.size ?? s.state?.totalBytes ?? 0, uncompressed: s.state?.uncompressedBytes ?? 0 }));
  const max = Math.max(1, ...sizes.map((s) => Math.max(s.compressed, s.uncompressed)));
  const w = 100 / sizes.length;
  const label = sizes.map((s) => `layer ${s.layer}: ${formatBytes(s.uncompressed)} uncompressed, ${formatBytes(s.compressed)} compressed`).join('; ');
  return (
    <svg className="size-chart" viewBox="0 0 100 30" preserveAspectRatio="none" role="img" aria-label={`Layer sizes: ${label}`}>
      {sizes.map((s, i) => (
        <g key={s.layer} onClick={() => onSelect(s.layer)} className={s.layer === selected ? 'selected' : ''}>
          <title>{`Layer ${s.layer}: ${formatBytes(s.uncompressed)} (${formatBytes(s.compressed)} compressed)`}</title>
          <rect className="u" x={i * w + w * 0.1} width={w * 0.8} y={30 - (s.uncompressed / max) * 30} height={(s.uncompressed / max) * 30} />
          <rect className="c" x={i * w + w * 0.3} width={w * 0.4} y={30 - (s.compressed / max) * 30} height={(s.compressed / max) * 30} />
        </g>
      ))}
    </svg>
  );
}
