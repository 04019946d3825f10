// The image picker: registry preset, "Image reference" textbox with catalog suggestions, tag list, Open button, and
// the credentials form when a listing answers 401. Page side (view over useImagePicker).
import { useId, type FormEvent } from 'react';
import { needsCredentials } from '../../state/failure.ts';
import { PRESETS, type RegistryPreset } from '../../state/image-reference.ts';
import { sourceRegistry, useImageSession } from '../../state/image-session.ts';
import { CredentialsForm } from './CredentialsForm.tsx';
import { useImagePicker, type PickerTarget } from './use-image-picker.ts';

/** Without props it opens the explorer's image; with a target (and a label) it serves e.g. a Compare side. */
export function ImagePicker({ target, label = 'Open an image' }: { readonly target?: PickerTarget; readonly label?: string }) {
  const m = useImagePicker(target);
  const uid = useId();
  const listId = target === undefined ? 'strata-repositories' : `strata-repositories-${uid}`;
  const hintId = target === undefined ? 'reference-hint' : `reference-hint-${uid}`;
  const sessionAsks = useImageSession((s) => s.failure !== null && needsCredentials(s.failure));
  const retrySession = useImageSession((s) => s.retry);
  const sessionRegistry = useImageSession((s) => sourceRegistry(s.source));
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    m.submit();
  };
  return (
    <form className="picker" role="search" aria-label={label} onSubmit={onSubmit}>
      <label>Registry
        <select value={m.preset} onChange={(e) => m.setPreset(e.target.value as RegistryPreset)}>
          {PRESETS.map((p) => <option key={p.id} value={p.id}>{p.label}</option>)}
        </select>
      </label>
      {m.preset === 'custom' && (
        <label>Registry host <input value={m.customHost} placeholder="registry.example.com:5000" onChange={(e) => m.setCustomHost(e.target.value)} /></label>
      )}
      <label className="grow">Image reference
        <input value={m.text} list={listId} spellCheck={false} autoCapitalize="off" placeholder="repository[:tag|@digest]"
          aria-invalid={m.referenceError !== null} aria-describedby={hintId} onChange={(e) => m.setText(e.target.value)} />
      </label>
      <datalist id={listId}>{m.repositories.map((r) => <option key={r} value={`${r}:latest`} />)}</datalist>
      <label>Tag
        <select value={m.tagText ?? ''} disabled={m.tags.length === 0} onChange={(e) => m.chooseTag(e.target.value)}>
          {m.tags.length === 0 && <option value={m.tagText ?? ''}>{m.tagsLoading ? 'loading…' : m.tagText ?? '—'}</option>}
          {m.tagText !== null && m.tags.length > 0 && !m.tags.includes(m.tagText) && <option value={m.tagText}>{m.tagText}</option>}
          {m.tags.map((t) => <option key={t} value={t}>{t}</option>)}
        </select>
      </label>
      <button type="submit" disabled={m.referenceError !== null || m.text.trim() === ''}>Open</button>
      <p id={hintId} className="hint">
        {m.referenceError ?? (m.repositories.length > 0 ? `${m.repositories.length}${m.catalogComplete ? '' : '+'} repositories on ${m.host}` : `e.g. ubuntu:24.04, ghcr.io/owner/repo:tag`)}
      </p>
      {m.listingFailure !== null && !sessionAsks && (needsCredentials(m.listingFailure) && m.listingFailure.registry !== null
        ? <CredentialsForm registry={m.listingFailure.registry} onSaved={sessionRegistry === m.listingFailure.registry ? retrySession : undefined} />
        : <p className="hint">Listing unavailable: {m.listingFailure.message}</p>)}
    </form>
  );
}
