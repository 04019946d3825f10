// Which layers a set of images share, from their manifests alone: an images × layers matrix (layers ordered by first
// appearance) and the bytes a registry or a node stores once (unique layer blobs) against the sum over images. Pure.

export type SharingImage = {
  readonly name: string;
  readonly layers: readonly { readonly digest: string; readonly diffId: string | null; readonly size: number }[];
};

export type SharedLayerColumn = {
  readonly digest: string;
  readonly diffId: string | null;
  readonly size: number;
  /** how many of the images hold it */
  readonly images: number;
};

export type LayerSharing = {
  readonly layers: readonly SharedLayerColumn[];
  /** per image: for each column, whether the image holds that layer */
  readonly rows: readonly { readonly name: string; readonly cells: readonly boolean[]; readonly bytes: number }[];
  /** bytes of every distinct layer blob once */
  readonly uniqueBytes: number;
  /** bytes summed image by image (a registry or node without sharing) */
  readonly perImageBytes: number;
  readonly savedBytes: number;
  /** savedBytes / perImageBytes (0 when there are no bytes) */
  readonly savedRatio: number;
};

export function computeLayerSharing(images: readonly SharingImage[]): LayerSharing {
  const column = new Map<string, number>();
  const layers: { digest: string; diffId: string | null; size: number; images: number }[] = [];
  for (const image of images) {
    for (const l of image.layers) {
      if (column.has(l.digest)) continue;
      column.set(l.digest, layers.length);
      layers.push({ digest: l.digest, diffId: l.diffId, size: l.size, images: 0 });
    }
  }
  const rows = images.map((image) => {
    const cells = new Array<boolean>(layers.length).fill(false);
    for (const l of image.layers) cells[column.get(l.digest)!] = true;
    cells.forEach((held, i) => { if (held) layers[i]!.images++; });
    return { name: image.name, cells, bytes: image.layers.reduce((s, l) => s + l.size, 0) };
  });
  const uniqueBytes = layers.reduce((s, l) => s + l.size, 0);
  const perImageBytes = rows.reduce((s, r) => s + r.bytes, 0);
  const savedBytes = perImageBytes - uniqueBytes;
  return { layers, rows, uniqueBytes, perImageBytes, savedBytes, savedRatio: perImageBytes > 0 ? savedBytes / perImageBytes : 0 };
}
