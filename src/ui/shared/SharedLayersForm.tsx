// Chooses the images of the Shared-layers page: every tag of a repository (with catalog suggestions) or a typed list
// of references, each optionally followed by a platform, on a registry preset. Page side.
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { catalogQueryOptions } from '../../queries/registry-listing.ts';
import { composeReference, presetHost, PRESETS, shortenReference, type RegistryPreset } from '../../state/image-reference.ts';
import { setSharedImages } from '../../state/page-actions.ts';
import { useUiStore } from '../../state/ui-store.ts';

const DEFAULT_LIST = 'demo/layers:latest\ndemo/multiarch:latest\ndemo/zstd:latest';

export function SharedLayersForm() {
  const shared = useUiStore((s) => s.shared);
  const [mode, setMode] = useState<'repository' | 'list'>(shared.repo !== null ? 'repository' : 'list');
  const [preset, setPreset] = useState<RegistryPreset>(shared.repo !== null ? shortenReference(shared.repo).preset : 'local');
  const [customHost, setCustomHost] = useState('');
  const [repo, setRepo] = useState(shared.repo !== null ? shortenReference(shared.repo).text : 'demo/multiarch');
  const [list, setList] = useState(shared.refs.length > 0 ? shared.refs.map((r) => shortenReference(r).text).join('\n') : DEFAULT_LIST);
  const host = presetHost(preset, customHost);
  const catalog = useQuery({ ...catalogQueryOptions(host), enabled: host !== '' && preset !== 'docker.io' && preset !== 'ghcr.io' && preset !== 'quay.io' });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (mode === 'repository') {
      setSharedImages({ repo: composeReference(repo.replace(/[:@].*$/, ''), preset, customHost), refs: [] });
      return;
    }
    const refs = list.split('\n').map((l) => l.trim()).filter((l) => l !== '').map((l) => {
      const [ref = '', platform] = l.split(/\s+/);
      return `${composeReference(ref, preset, customHost)}${platform !== undefined ? ` ${platform}` : ''}`;
    });
    setSharedImages({ repo: null, refs });
  };
  return (
    <form className="picker shared-form" aria-label="Images to compare" onSubmit={submit}>
      <fieldset className="segmented">
        <legend>Images</legend>
        <label><input type="radio" name="shared-mode" checked={mode === 'repository'} onChange={() => setMode('repository')} />Every tag of a repository</label>
        <label><input type="radio" name="shared-mode" checked={mode === 'list'} onChange={() => setMode('list')} />A list of references</label>
      </fieldset>
      <label>Registry
        <select value={preset} onChange={(e) => setPreset(e.target.value as RegistryPreset)}>
          {PRESETS.map((p) => <option key={p.id} value={p.id}>{p.label}</option>)}
        </select>
      </label>
      {preset === 'custom' && <label>Registry host <input value={customHost} placeholder="registry.example.com:5000" onChange={(e) => setCustomHost(e.target.value)} /></label>}
      {mode === 'repository'
        ? <label className="grow">Repository
          <input value={repo} list="strata-shared-repositories" spellCheck={false} autoCapitalize="off" onChange={(e) => setRepo(e.target.value)} />
          <datalist id="strata-shared-repositories">{(catalog.data?.items ?? []).map((r) => <option key={r} value={r} />)}</datalist>
        </label>
        : <label className="grow">Image references (one per line; a platform may follow a space)
          <textarea rows={4} value={list} spellCheck={false} autoCapitalize="off" onChange={(e) => setList(e.target.value)} />
        </label>}
      <button type="submit">Show shared layers</button>
    </form>
  );
}
