// State behind the image picker: registry preset, typed reference, catalog suggestions and tag list for the
// registry the reference names; by default it opens the explorer's image, or hands the reference to a target.
// Page side; listings come from src/queries.
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { catalogQueryOptions, tagsQueryOptions } from '../../queries/registry-listing.ts';
import { useCredentialsStore } from '../../state/credentials-store.ts';
import { describeFailure, type Failure } from '../../state/failure.ts';
import { composeReference, namesRegistry, presetHost, shortenReference, splitReference, type RegistryPreset } from '../../state/image-reference.ts';
import { useUiStore } from '../../state/ui-store.ts';

const NO_CATALOG: ReadonlySet<string> = new Set(['docker.io', 'ghcr.io', 'quay.io']);

export type ImagePickerModel = ReturnType<typeof useImagePicker>;

/** Another owner of the reference (a Compare side) instead of the explorer's image in useUiStore. */
export type PickerTarget = { readonly reference: string | null; onOpen(reference: string): void };

export function useImagePicker(target?: PickerTarget) {
  const uiImage = useUiStore((s) => s.image);
  const setImage = useUiStore((s) => s.setImage);
  const image = target !== undefined ? target.reference : uiImage;
  useCredentialsStore((s) => s.byHost);
  const [preset, setPreset] = useState<RegistryPreset>('local');
  const [customHost, setCustomHost] = useState('');
  const [text, setText] = useState('demo/layers:latest');

  useEffect(() => {
    if (image === null) return;
    const short = shortenReference(image);
    setPreset(short.preset);
    setText(short.text);
  }, [image]);

  const reference = composeReference(text, preset, customHost);
  const parts = useMemo(() => splitReference(reference), [reference]);
  const host = namesRegistry(text) ? (parts.ok ? parts.value.registry : '') : presetHost(preset, customHost);
  const repository = parts.ok ? parts.value.repository : '';
  const catalog = useQuery({ ...catalogQueryOptions(host), enabled: host !== '' && !NO_CATALOG.has(host) });
  const tags = useQuery({ ...tagsQueryOptions(host, repository), enabled: host !== '' && repository !== '' && text.trim() !== '' });

  const listingFailure: Failure | null = tags.error ? describeFailure(tags.error, host) : catalog.error ? describeFailure(catalog.error, host) : null;
  const repositoryText = text.trim().replace(/@.*$/, '').replace(/:[^/:]*$/, '');
  const tagText = parts.ok ? parts.value.tag : null;

  return {
    preset, setPreset, customHost, setCustomHost, text, setText, host,
    referenceError: text.trim() !== '' && !parts.ok ? parts.message : null,
    repositories: catalog.data?.items ?? [],
    catalogComplete: catalog.data?.complete ?? true,
    tags: tags.data?.items ?? [],
    tagsLoading: tags.isFetching,
    tagText,
    chooseTag: (tag: string) => setText(`${repositoryText}:${tag}`),
    listingFailure,
    submit: () => {
      if (!parts.ok) return;
      if (target !== undefined) target.onOpen(reference);
      else setImage(reference, null);
    },
  };
}
