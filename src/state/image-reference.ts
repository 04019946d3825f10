// Image references as the picker handles them: registry presets, "this server" (the embedded registry on the page's
// own origin), and the registry host a reference names. Page side; parsing itself is core's parseReference.
import { parseReference } from '../core/oci/reference.ts';

export type RegistryPreset = 'local' | 'docker.io' | 'ghcr.io' | 'quay.io' | 'custom';

export const PRESETS: readonly { readonly id: RegistryPreset; readonly label: string }[] = [
  { id: 'local', label: 'This server (demo registry)' },
  { id: 'docker.io', label: 'Docker Hub' },
  { id: 'ghcr.io', label: 'GitHub (ghcr.io)' },
  { id: 'quay.io', label: 'Quay (quay.io)' },
  { id: 'custom', label: 'Custom host' },
];

/** The page's own host[:port]: the embedded registry lives there. */
export function localHost(): string {
  return window.location.host;
}

/** The registry host a preset stands for ('' for custom without a host). */
export function presetHost(preset: RegistryPreset, customHost: string): string {
  switch (preset) {
    case 'local': return localHost();
    case 'docker.io': return 'docker.io';
    case 'ghcr.io': return 'ghcr.io';
    case 'quay.io': return 'quay.io';
    case 'custom': return customHost.trim();
  }
}

/** Whether the typed text names its own registry (first component with "." or ":" or "localhost"). */
export function namesRegistry(text: string): boolean {
  const s = text.trim().replace(/^docker:\/\//, '');
  const slash = s.indexOf('/');
  if (slash < 0) return false;
  const first = s.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost';
}

/** The full reference to open: the typed text, prefixed with the preset's host unless it names a registry. */
export function composeReference(text: string, preset: RegistryPreset, customHost: string): string {
  const s = text.trim().replace(/^docker:\/\//, '');
  if (namesRegistry(s) || preset === 'docker.io') return s;
  const host = presetHost(preset, customHost);
  return host === '' ? s : `${host}/${s}`;
}

export type ReferenceParts = { readonly registry: string; readonly apiHost: string; readonly repository: string; readonly tag: string | null; readonly digest: string | null };

/** Parses a full reference; returns an error message a user can act on instead of throwing. */
export function splitReference(reference: string): { ok: true; value: ReferenceParts } | { ok: false; message: string } {
  const r = parseReference(reference);
  if (!r.ok) return { ok: false, message: r.error.message };
  return { ok: true, value: { registry: r.value.registry, apiHost: r.value.apiHost, repository: r.value.repository, tag: r.value.tag ?? null, digest: r.value.digest ?? null } };
}

/** The text shown in the box for a stored reference: the local host is left out when "this server" is chosen. */
export function shortenReference(reference: string): { preset: RegistryPreset; text: string } {
  const host = localHost();
  if (reference.startsWith(`${host}/`)) return { preset: 'local', text: reference.slice(host.length + 1) };
  for (const p of ['ghcr.io', 'quay.io'] as const) if (reference.startsWith(`${p}/`)) return { preset: p, text: reference.slice(p.length + 1) };
  if (namesRegistry(reference)) return { preset: 'custom', text: reference };
  return { preset: 'docker.io', text: reference };
}
