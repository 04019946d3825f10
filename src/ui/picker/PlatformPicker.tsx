// Platform choice for a multi-platform image (an index): reopens the image for the chosen os/arch. Page side.
import { useImageSession } from '../../state/image-session.ts';
import { useUiStore } from '../../state/ui-store.ts';

export function PlatformPicker() {
  const info = useImageSession((s) => s.info);
  const source = useImageSession((s) => s.source);
  const openImage = useImageSession((s) => s.openImage);
  const setPlatform = useUiStore((s) => s.setPlatform);
  if (info === null || info.platforms.length < 2 || source === null) return null;
  const choose = (platform: string) => {
    if (source.kind === 'registry') setPlatform(platform);
    else openImage({ ...source, platform });
  };
  return (
    <label className="platform">Platform
      <select value={info.platform} onChange={(e) => choose(e.target.value)}>
        {info.platforms.map((p) => <option key={p} value={p}>{p}</option>)}
      </select>
    </label>
  );
}
