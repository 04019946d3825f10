// Progress on stderr while layers stream: per layer bytes and rate, at most a few lines a second.
import type { LayerProgress } from '../src/analysis/layer-pipeline.ts';

export function createProgress(enabled: boolean, layerCount: number): { update(p: LayerProgress): void; done(): void } {
  const start = Date.now();
  const seen = new Map<number, LayerProgress>();
  let last = 0;
  const tty = process.stderr.isTTY === true;
  const mb = (n: number) => (n / 1e6).toFixed(1);
  const line = () => {
    const secs = Math.max(0.001, (Date.now() - start) / 1000);
    let cin = 0;
    let cout = 0;
    for (const p of seen.values()) { cin += p.compressedBytes; cout += p.uncompressedBytes; }
    const parts = [...seen.values()].slice(-3).map((p) => `#${p.layer} ${mb(p.compressedBytes)} MB`);
    return `layers ${seen.size}/${layerCount}: ${mb(cin)} MB in (${mb(cin / secs)} MB/s), ${mb(cout)} MB tar (${mb(cout / secs)} MB/s) ${parts.join(' ')}`;
  };
  return {
    update(p) {
      if (!enabled) return;
      seen.set(p.layer, p);
      const now = Date.now();
      if (now - last < (tty ? 250 : 2000)) return;
      last = now;
      process.stderr.write(tty ? `\r\x1b[K${line()}` : `${line()}\n`);
    },
    done() {
      if (enabled && seen.size > 0) process.stderr.write(tty ? `\r\x1b[K${line()}\n` : `${line()}\n`);
    },
  };
}
