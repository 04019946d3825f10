// Platform choice for a multi-platform image (an index): reopens the image for the chosen os/arch. Page side.
import type { ImageInfo } from '../../protocol/messages.ts';
import { useImageSession } from '../../state/image-session.ts';
import { useUiStore } from '../../state/ui-store.ts';

/** Without props it serves the explorer's image; a Compare side passes its image info and what to do on a choice. */
export function PlatformPicker(props: { readonly info: ImageInfo | null; onChoose(platform: string): void } | Record<string, never>) {
  const sessionInfo = useImageSession((s) => s.info);
  const info = 'info' in props ? props.info : sessionInfo;
  const source = useImageSession((s) => s.source);
  const openImage = useImageSession((s) => s.openImage);
  const setPlatform = useUiStore((s) => s.setPlatform);
  if (info === null || info.platforms.length < 2 || (source === null && !('onChoose' in props))) return null;
  const choose = (platform: string) => {
    if ('onChoose' in props) props.onChoose(platform);
    else if (source === null) return;
    else if (source.kind === 'registry') setPlatform(platform);
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
