// Fuzz targets shared by the in-suite property tests and `npm run fuzz`: each takes bytes (or a string) and must
// return without throwing, hanging or growing memory without bound. Node-side test kit.
import { createPortableContentHasher } from '../core/layers/content-hash.ts';
import { LayerIndexBuilder } from '../core/layers/layer-index-builder.ts';
import { TarReader } from '../core/layers/tar-reader.ts';
import { parseImageConfig } from '../core/oci/config.ts';
import { decodeJson } from '../core/oci/json.ts';
import { parseManifestDocument } from '../core/oci/manifest.ts';
import { formatReference, parseReference } from '../core/oci/reference.ts';
import { stackLayers } from '../core/tree/union-tree.ts';
import { listRows } from '../core/tree/tree-rows.ts';
import { buildTar, type TarSpec } from './tar-builder.ts';

/** Indexes tar bytes fed in the given chunk sizes; returns a canonical summary (for chunking invariance). */
export function fuzzTar(bytes: Uint8Array, chunks: readonly number[] = [bytes.length || 1]): string {
  const builder = new LayerIndexBuilder(createPortableContentHasher(), { maxEntries: 10000, maxWarnings: 50 });
  const reader = new TarReader(builder);
  let pos = 0;
  let i = 0;
  let error: string | undefined;
  while (pos < bytes.length && !error) {
    const n = Math.max(1, chunks[i++ % chunks.length]!);
    error = reader.push(bytes.subarray(pos, pos + n))?.code;
    pos += n;
  }
  error ??= reader.finish()?.code;
  const ix = builder.finish(reader.bytesConsumed);
  const tree = stackLayers([ix]);
  const rows = listRows(tree);
  return `${error ?? 'ok'}|${ix.count}|${rows.map((r) => `${r.path}:${r.type}:${r.size}`).join(',')}`;
}

export function fuzzManifest(bytes: Uint8Array): void {
  const json = decodeJson(bytes, 1 << 20, 'manifest');
  if (!json.ok) return;
  parseManifestDocument(json.value);
  parseManifestDocument(json.value, 'application/vnd.oci.image.index.v1+json; charset=utf-8');
  parseImageConfig(json.value);
}

/** Parses a reference; a parsed one must format and re-parse to the same value. */
export function fuzzReference(input: string): void {
  const r = parseReference(input);
  if (!r.ok) return;
  const again = parseReference(formatReference(r.value));
  if (!again.ok || formatReference(again.value) !== formatReference(r.value)) {
    throw new Error(`reference does not round-trip: ${JSON.stringify(input)}`);
  }
}

/** Seeds for mutation: small archives exercising every header form. */
export function tarSeeds(): Uint8Array[] {
  const specs: TarSpec[][] = [
    [{ name: 'dir', type: 'dir' }, { name: 'dir/file', body: 'hello' }, { name: 'dir/.wh.gone', body: '' }, { name: 'dir/.wh..wh..opq', body: '' }],
    [{ name: 'x', body: 'pax', pax: { path: 'p'.repeat(150), uid: '1000' } }, { name: 'l', type: 'symlink', link: '/etc/passwd' }],
    [{ name: 'y', gnuLongName: `${'q'.repeat(120)}/z`, body: 'zz' }, { name: 'h', type: 'hardlink', link: 'y' }],
    [{ name: 'dev/null', type: 'char', devMajor: 1, devMinor: 3 }, { name: 'fifo', type: 'fifo' }, { name: 'big', body: 'b'.repeat(3000) }],
  ];
  return specs.map((s) => buildTar(s));
}
