// Commit of the simulated container (react-query mutation): download the OCI archive as a file, or push (this
// server's embedded registry or an allowed push host) and offer to open the pushed image. Page side.
import { useMutation } from '@tanstack/react-query';
import type { CommitOutput, SimulationLane } from '../../protocol/messages.ts';
import { commitContainer } from '../../queries/container-queries.ts';

function download(bytes: Uint8Array, name: string): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/x-tar' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function useCommit(imageId: string, commands: readonly string[]) {
  return useMutation({
    mutationFn: async ({ lane, output }: { lane: SimulationLane; output: CommitOutput }) => {
      const r = await commitContainer(imageId, lane, commands, output);
      if (r.archive && output.kind === 'archive') download(r.archive, `${output.tag.replace(/[^\w.-]+/g, '_')}.oci.tar`);
      return r.commit;
    },
  });
}
