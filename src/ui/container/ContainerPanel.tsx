// The Container tab: run commands in a simulated container on the open image under one to three storage drivers
// side by side (step log, container layer, docker diff), commit it (download or push), see each driver's on-disk
// layout, and ask which driver Docker would pick. Page side; the simulation runs in the analysis worker.
import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { simulationQueryOptions } from '../../queries/container-queries.ts';
import { useContainerStore } from '../../state/container-store.ts';
import { useImageSession } from '../../state/image-session.ts';
import { CommandLine } from './CommandLine.tsx';
import { CommitPanel } from './CommitPanel.tsx';
import { ContainerLayer } from './ContainerLayer.tsx';
import { DriverWizard } from './DriverWizard.tsx';
import { LaneBar } from './LaneBar.tsx';
import { LayoutView } from './LayoutView.tsx';
import { StepLog } from './StepLog.tsx';

function ContainerSimulation({ imageId, layer }: { imageId: string; layer: number }) {
  const commands = useContainerStore((s) => s.commands);
  const lanes = useContainerStore((s) => s.lanes);
  const undo = useContainerStore((s) => s.undo);
  const reset = useContainerStore((s) => s.reset);
  const q = useQuery(simulationQueryOptions(imageId, lanes, commands));
  return (
    <>
      <LaneBar />
      <CommandLine imageId={imageId} layer={layer} busy={q.isFetching} />
      <div className="container-actions">
        <button type="button" onClick={undo} disabled={commands.length === 0}>Undo last command</button>
        <button type="button" onClick={reset} disabled={commands.length === 0}>New container</button>
      </div>
      {q.error && <p role="alert" className="failure">{q.error.message}</p>}
      {q.data && (
        <>
          <StepLog lanes={lanes} results={q.data} />
          <h3>Container layer and docker diff</h3>
          <ContainerLayer lanes={lanes} results={q.data} />
        </>
      )}
      <CommitPanel imageId={imageId} />
      <details className="container-more">
        <summary>On-disk layout (/var/lib/docker)</summary>
        <LayoutView imageId={imageId} />
      </details>
    </>
  );
}

export function ContainerPanel() {
  const info = useImageSession((s) => s.info);
  const status = useImageSession((s) => s.status);
  const forImage = useContainerStore((s) => s.forImage);
  const imageId = info?.imageId ?? null;
  useEffect(() => { if (imageId !== null) forImage(imageId); }, [imageId, forImage]);
  return (
    <section className="container-panel" aria-label="Container">
      <p className="muted">
        A simulated container on this image: commands change a container layer as each storage driver would (drivers.md §4). Kernel overlay
        defaults are assumed (index=off; metacopy and redirect_dir off unless set), which depends on the distro kernel. Badges mark rules that
        are derived rather than documented, or not verified.
      </p>
      {imageId !== null && status === 'ready' ? <ContainerSimulation imageId={imageId} layer={(info?.layers.length ?? 1) - 1} />
        : status === 'failed' ? <p role="alert">The image did not load completely; a container needs every layer.</p>
          : <p>Waiting for every layer to be verified…</p>}
      <details className="container-more">
        <summary>Which driver would Docker pick?</summary>
        <DriverWizard />
      </details>
    </section>
  );
}
