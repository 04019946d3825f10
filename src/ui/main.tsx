// Page entry: a minimal, honest Strata page while the full explorer is built. It lists the embedded registry's
// repositories and shows one image's layers (digest, size) from same-origin /v2/ requests. Browser side.
import { StrictMode, useEffect, useState, type FormEvent } from 'react';
import { createRoot } from 'react-dom/client';

type Descriptor = { mediaType: string; digest: string; size: number; platform?: { os: string; architecture: string; variant?: string } };
type Shown = { reference: string; manifestDigest: string; platforms: string[]; shownPlatform: string; layers: Descriptor[] };

const ACCEPT = [
  'application/vnd.oci.image.index.v1+json', 'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json', 'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

async function fetchJson(path: string): Promise<{ json: unknown; digest: string }> {
  const r = await fetch(path, { headers: { accept: ACCEPT } });
  if (!r.ok) {
    const body = (await r.json().catch(() => undefined)) as { errors?: { code?: string; message?: string }[] } | undefined;
    const e = body?.errors?.[0];
    throw new Error(`${path}: HTTP ${r.status}${e ? ` ${e.code ?? ''}: ${e.message ?? ''}` : ''}`);
  }
  return { json: await r.json(), digest: r.headers.get('docker-content-digest') ?? '' };
}

/** "repo[:tag|@digest]" of the embedded registry → the manifest's layers; an index shows its first linux/amd64 image. */
async function showImage(reference: string): Promise<Shown> {
  const at = reference.indexOf('@');
  const colon = reference.lastIndexOf(':');
  const [name, ref] = at >= 0 ? [reference.slice(0, at), reference.slice(at + 1)] : colon > reference.lastIndexOf('/') ? [reference.slice(0, colon), reference.slice(colon + 1)] : [reference, 'latest'];
  let { json, digest } = await fetchJson(`/v2/${name}/manifests/${encodeURIComponent(ref)}`);
  let platforms: string[] = [];
  let shownPlatform = '';
  const children = (json as { manifests?: Descriptor[] }).manifests;
  if (Array.isArray(children)) {
    platforms = children.map(describePlatform);
    const chosen = children.find((m) => m.platform?.os === 'linux' && m.platform.architecture === 'amd64') ?? children[0];
    if (!chosen) throw new Error(`${reference}: the index lists no manifests`);
    shownPlatform = describePlatform(chosen);
    ({ json, digest } = await fetchJson(`/v2/${name}/manifests/${chosen.digest}`));
  }
  const layers = (json as { layers?: Descriptor[] }).layers;
  if (!Array.isArray(layers)) throw new Error(`${reference}: not an image manifest (no layers)`);
  return { reference, manifestDigest: digest, platforms, shownPlatform, layers };
}

function describePlatform(m: Descriptor): string {
  return m.platform ? `${m.platform.os}/${m.platform.architecture}${m.platform.variant ? `/${m.platform.variant}` : ''}` : m.digest;
}

function formatSize(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 / 1024).toFixed(2)} MiB`;
}

function App() {
  const [repositories, setRepositories] = useState<string[]>([]);
  const [reference, setReference] = useState('demo/layers:latest');
  const [shown, setShown] = useState<Shown | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    fetchJson('/v2/_catalog')
      .then(({ json }) => setRepositories((json as { repositories?: string[] }).repositories ?? []))
      .catch((e: unknown) => setError(`catalog: ${(e as Error).message}`));
  }, []);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    showImage(reference.trim())
      .then(setShown, (e: unknown) => { setShown(undefined); setError((e as Error).message); })
      .finally(() => setBusy(false));
  };

  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', maxWidth: 960, margin: '2rem auto', padding: '0 1rem' }}>
      <h1>Strata</h1>
      <p><strong>The full layer explorer is under construction.</strong> This page only reads the embedded registry
        of <code>strata serve</code> (same origin, <code>/v2/</code>) and lists an image&apos;s layers.</p>
      <p>Repositories here: {repositories.length ? repositories.map((r) => <code key={r} style={{ marginRight: 8 }}>{r}</code>) : 'none found'}</p>
      <form onSubmit={onSubmit}>
        <input aria-label="Image reference" value={reference} onChange={(e) => setReference(e.target.value)} size={40} list="strata-repositories" />
        <datalist id="strata-repositories">{repositories.map((r) => <option key={r} value={`${r}:latest`} />)}</datalist>
        <button type="submit" disabled={busy}>{busy ? 'Loading…' : 'Show layers'}</button>
      </form>
      {error && <p role="alert" style={{ color: '#b00020' }}>{error}</p>}
      {shown && (
        <section aria-label="Layers">
          <h2>{shown.reference}</h2>
          <p>Manifest <code>{shown.manifestDigest}</code>{shown.platforms.length > 0 && ` (index: ${shown.platforms.join(', ')}; showing ${shown.shownPlatform})`}</p>
          <table>
            <thead><tr><th>#</th><th>Digest</th><th>Media type</th><th>Size</th></tr></thead>
            <tbody>
              {shown.layers.map((l, i) => (
                <tr key={`${i}-${l.digest}`}><td>{i}</td><td><code>{l.digest}</code></td><td>{l.mediaType}</td><td>{formatSize(l.size)}</td></tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </main>
  );
}

const root = document.getElementById('root');
if (root) createRoot(root).render(<StrictMode><App /></StrictMode>);
