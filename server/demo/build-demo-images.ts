// Builds the demo images on first start into an OCI-layout folder (one layout per repository, default
// .cache/demo-images/), rebuilding when missing or outdated. Node side. Bytes are deterministic: digests are stable.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appLayer, archLayer, baseLayer, BIG_FILE_SIZE, chmodLayer, cleanupLayer, DEMO_CREATED, makeNoise } from './demo-entries.ts';
import { LayoutWriter, ZSTD_BIN, type LayerBlob } from './layout-writer.ts';

/** Bump when the demo content changes, so old caches are rebuilt. */
const DEMO_VERSION = 1;
const MARKER = 'strata-demo.json';
export const DEFAULT_DEMO_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '.cache', 'demo-images');

export type DemoImages = { readonly dir: string; readonly images: readonly string[] };
type Marker = { version: number; images: string[] };

/** Returns the demo folder, building it first if it is missing or from an older DEMO_VERSION. */
export async function ensureDemoImages(dir: string = DEFAULT_DEMO_DIR, log: (line: string) => void = () => undefined): Promise<DemoImages> {
  const existing = await readMarker(dir);
  if (existing) return { dir, images: existing.images };
  log(`strata: building demo images in ${dir}`);
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await rm(tmp, { recursive: true, force: true });
  const images = await buildDemoImages(tmp, log);
  await writeFile(join(tmp, MARKER), JSON.stringify({ version: DEMO_VERSION, images } satisfies Marker));
  await mkdir(dirname(dir), { recursive: true });
  await rm(dir, { recursive: true, force: true });
  try {
    await rename(tmp, dir);
  } catch (e) {
    // Another process finished first: keep its copy (same bytes) when it is complete.
    await rm(tmp, { recursive: true, force: true });
    if (!(await readMarker(dir))) throw e;
  }
  return { dir, images };
}

async function readMarker(dir: string): Promise<Marker | undefined> {
  try {
    const marker = JSON.parse(await readFile(join(dir, MARKER), 'utf8')) as Partial<Marker>;
    return marker.version === DEMO_VERSION && Array.isArray(marker.images) ? (marker as Marker) : undefined;
  } catch {
    return undefined;
  }
}

/** Writes every demo layout under `root` and returns the image references it holds. */
export async function buildDemoImages(root: string, log: (line: string) => void = () => undefined): Promise<string[]> {
  const images: string[] = [];
  const layers = buildLayersImage();
  await layers.writeTo(join(root, 'layers'));
  images.push('demo/layers:latest');
  const multiarch = buildMultiarchImage();
  await multiarch.writeTo(join(root, 'multiarch'));
  images.push('demo/multiarch:latest');
  if (existsSync(ZSTD_BIN)) {
    await buildZstdImage().writeTo(join(root, 'zstd'));
    images.push('demo/zstd:latest');
  } else {
    log(`strata: ${ZSTD_BIN} not found, skipping the demo/zstd image`);
  }
  return images;
}

/** demo/layers: history with empty steps, whiteout, opaque dir, hardlinks, symlinks, 2 MB re-shipped by chmod. */
function buildLayersImage(): LayoutWriter {
  const w = new LayoutWriter();
  const big = makeNoise(BIG_FILE_SIZE, 101);
  const layers: LayerBlob[] = [
    w.addLayer(baseLayer(), 'gzip'),
    w.addLayer(appLayer(big), 'gzip'),
    w.addLayer(cleanupLayer(), 'gzip'),
    w.addLayer(chmodLayer(big), 'gzip'),
  ];
  const image = w.addImage({
    layers,
    architecture: 'amd64',
    os: 'linux',
    created: DEMO_CREATED,
    config: {
      Env: ['PATH=/usr/local/bin:/usr/bin:/bin', 'APP_MODE=demo'],
      Cmd: ['/opt/app/bin/app'],
      WorkingDir: '/opt/app',
      Labels: { 'org.opencontainers.image.title': 'Strata demo: layers' },
    },
    history: [
      { createdBy: '/bin/sh -c #(nop) ADD file:strata-demo-rootfs in / ' },
      { createdBy: '/bin/sh -c #(nop)  ENV PATH=/usr/local/bin:/usr/bin:/bin', emptyLayer: true },
      { createdBy: '/bin/sh -c install-app /opt/app  # adds data.bin (2 MB), a cache and /etc/app.conf' },
      { createdBy: '/bin/sh -c rm /etc/app.conf && rm -rf /opt/app/cache && mkdir /opt/app/cache && echo fresh > /opt/app/cache/fresh.txt' },
      { createdBy: '/bin/sh -c #(nop)  ENV APP_MODE=demo', emptyLayer: true },
      { createdBy: '/bin/sh -c chmod 0755 /opt/app/data.bin', comment: 'copies the 2 MB file up again: wasted bytes' },
      { createdBy: '/bin/sh -c #(nop) WORKDIR /opt/app', emptyLayer: true },
      { createdBy: '/bin/sh -c #(nop)  CMD ["/opt/app/bin/app"]', emptyLayer: true },
    ],
  });
  w.tag(image, 'demo/layers', 'latest');
  return w;
}

/** demo/multiarch: an OCI index with linux/amd64 and linux/arm64 images whose top layers differ. */
function buildMultiarchImage(): LayoutWriter {
  const w = new LayoutWriter();
  const manifests = ['amd64', 'arm64'].map((arch) => w.addImage({
    layers: [w.addLayer(baseLayer(arch), 'gzip'), w.addLayer(archLayer(arch), 'gzip')],
    architecture: arch,
    os: 'linux',
    created: DEMO_CREATED,
    config: { Env: ['PATH=/usr/bin:/bin'], Cmd: ['/usr/bin/hello'] },
    history: [
      { createdBy: '/bin/sh -c #(nop) ADD file:strata-demo-rootfs in / ' },
      { createdBy: `/bin/sh -c install-hello --arch ${arch}` },
      { createdBy: '/bin/sh -c #(nop)  CMD ["/usr/bin/hello"]', emptyLayer: true },
    ],
  }));
  w.tag(w.addIndex(manifests), 'demo/multiarch', 'latest');
  return w;
}

/** demo/zstd: a gzip base layer under a zstd-compressed layer (layer.md media type tar+zstd). */
function buildZstdImage(): LayoutWriter {
  const w = new LayoutWriter();
  const image = w.addImage({
    layers: [w.addLayer(baseLayer(), 'gzip'), w.addLayer(archLayer('amd64'), 'zstd')],
    architecture: 'amd64',
    os: 'linux',
    created: DEMO_CREATED,
    config: { Env: ['PATH=/usr/bin:/bin'], Cmd: ['/usr/bin/hello'] },
    history: [
      { createdBy: '/bin/sh -c #(nop) ADD file:strata-demo-rootfs in / ' },
      { createdBy: '/bin/sh -c install-hello  # shipped as a zstd layer' },
    ],
  });
  w.tag(image, 'demo/zstd', 'latest');
  return w;
}
