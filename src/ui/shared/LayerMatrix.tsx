// The images × layers matrix: one row per image, one column per distinct layer blob in order of first appearance,
// each column as wide as its bytes allow (with a floor so small layers stay visible); a marked cell = the image
// holds that layer. Page side (view).
import type { LayerSharing } from '../../core/oci/layer-sharing.ts';
import { formatBytes, shortDigest } from '../common/format.ts';

const MIN_WIDTH = 52;
const SPREAD = 260;
const IMAGE_WIDTH = 260;
const BYTES_WIDTH = 90;

export function LayerMatrix({ sharing }: { readonly sharing: LayerSharing }) {
  const max = Math.max(1, ...sharing.layers.map((l) => l.size));
  // Square root: a 200-byte layer next to a 2 MB one stays readable while bigger still means wider.
  const widthOf = (size: number) => Math.round(MIN_WIDTH + SPREAD * Math.sqrt(size / max));
  const width = IMAGE_WIDTH + BYTES_WIDTH + sharing.layers.reduce((s, l) => s + widthOf(l.size), 0);
  return (
    <div className="matrix-scroll">
      <table className="layer-matrix" aria-label="Layer matrix" style={{ width }}>
        <colgroup>
          <col style={{ width: IMAGE_WIDTH }} />
          {sharing.layers.map((l) => <col key={l.digest} style={{ width: widthOf(l.size) }} />)}
          <col style={{ width: BYTES_WIDTH }} />
        </colgroup>
        <thead>
          <tr>
            <th scope="col">Image</th>
            {sharing.layers.map((l, i) => (
              <th key={l.digest} scope="col" title={`${l.digest}\ndiffId ${l.diffId ?? '?'}\n${l.size} bytes, in ${l.images} image(s)`} data-digest={l.digest}>
                <span className="layer-num">L{i + 1}</span> <span className="hint">{formatBytes(l.size)}</span>
                <div className="hint digest">{shortDigest(l.digest).slice(7)}</div>
              </th>
            ))}
            <th scope="col">Bytes</th>
          </tr>
        </thead>
        <tbody>
          {sharing.rows.map((r) => (
            <tr key={r.name}>
              <th scope="row">{r.name}</th>
              {r.cells.map((held, i) => (
                <td key={sharing.layers[i]!.digest} className={held ? `held${sharing.layers[i]!.images > 1 ? ' shared' : ''}` : 'absent'} data-held={held}
                  aria-label={held ? `holds L${i + 1}` : `no L${i + 1}`}>{held ? '■' : ''}</td>
              ))}
              <td className="num">{formatBytes(r.bytes)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Images holding it</th>
            {sharing.layers.map((l) => <td key={l.digest} className="num">{l.images}</td>)}
            <td />
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
