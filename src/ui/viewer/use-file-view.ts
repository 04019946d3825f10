// Loads a file's bytes from the worker (first 256 KiB, more on request), decides text or hex, and downloads the
// whole file on demand. Page side.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { fileQueryOptions } from '../../queries/analysis-queries.ts';
import { describeFailure } from '../../state/failure.ts';
import { decodeText } from './file-bytes.ts';

const FIRST = 256 * 1024;
const MORE = 8 * 1024 * 1024;
const DOWNLOAD_MAX = 512 * 1024 * 1024;

export function useFileView(imageId: string, path: string, layer: number) {
  const [maxBytes, setMaxBytes] = useState(FIRST);
  const [mode, setMode] = useState<'auto' | 'hex'>('auto');
  const client = useQueryClient();
  const q = useQuery(fileQueryOptions(imageId, path, layer, maxBytes));
  const text = useMemo(() => (q.data ? decodeText(q.data.bytes) : null), [q.data]);
  const download = async () => {
    const size = q.data?.size ?? DOWNLOAD_MAX;
    const whole = q.data !== undefined && !q.data.truncated ? q.data : await client.fetchQuery(fileQueryOptions(imageId, path, layer, Math.min(size, DOWNLOAD_MAX)));
    const url = URL.createObjectURL(new Blob([whole.bytes.slice().buffer], { type: 'application/octet-stream' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = path.split('/').pop() || 'file';
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  return {
    data: q.data, loading: q.isFetching, failure: q.error ? describeFailure(q.error) : null,
    text, showHex: mode === 'hex' || text === null, mode, setMode,
    canLoadMore: q.data?.truncated === true && maxBytes < MORE, loadMore: () => setMaxBytes(MORE),
    download,
  };
}
