// Layer identities: ChainIDs (OCI image-spec config.md) and the ids Docker would make at random (cache-id, mount-id,
// overlay2 link names), here derived deterministically from the ChainID so core stays pure. Illustrative only. Pure.
import type { DiffId, Digest } from '../oci/digest.ts';
import { sha256Hex } from '../hash/sha256.ts';

/** ChainID(L0) = DiffID(L0); ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln)) over the full "sha256:…" strings. */
export function computeChainIds(diffIds: readonly DiffId[]): Digest[] {
  const out: Digest[] = [];
  for (const diffId of diffIds) {
    const prev = out[out.length - 1];
    out.push((prev === undefined ? diffId : `sha256:${sha256Hex(`${prev} ${diffId}`)}`) as string as Digest);
  }
  return out;
}

/** A 64-hex cache-id for a layer. Docker uses stringid.GenerateRandomID(); this one is sha256 of a label, so the
 *  same image always shows the same (illustrative) ids. */
export function deriveCacheId(chainId: string, driver: string): string {
  return sha256Hex(`strata illustrative cache-id ${driver} ${chainId}`);
}

/** The container's ids: container id, mount-id (its rw layer) and the init layer `<mount-id>-init`. */
export function deriveContainerIds(topChainId: string, driver: string): { containerId: string; mountId: string; initId: string } {
  const containerId = sha256Hex(`strata illustrative container ${topChainId}`);
  const mountId = sha256Hex(`strata illustrative mount-id ${driver} ${containerId}`);
  return { containerId, mountId, initId: `${mountId}-init` };
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** overlay2's `l/` short name: 26 base32 characters [A-Z2-7] (moby overlayutils randomid.go, idLength = 26). */
export function deriveLinkId(cacheId: string): string {
  const hex = sha256Hex(`strata illustrative link ${cacheId}`);
  let bits = '';
  for (const c of hex) bits += parseInt(c, 16).toString(2).padStart(4, '0');
  let out = '';
  for (let i = 0; i < 26; i++) out += BASE32[parseInt(bits.slice(i * 5, i * 5 + 5), 2)]!;
  return out;
}
