// The "Layers" listbox: every history step in order (empty steps in place, not selectable), each layer with its
// command, sizes, change counts, wasted bytes and progress; arrows/Home/End move the selection. Page side.
import { useRef, type KeyboardEvent } from 'react';
import { useUiStore } from '../../state/ui-store.ts';
import { formatBytes, trimCreatedBy } from '../common/format.ts';
import { LayerProgress } from './LayerProgress.tsx';
import { LayerSizeChart } from './LayerSizeChart.tsx';
import { useLayerSteps, useSelectedLayer, type LayerStep } from './use-layer-steps.ts';

export function LayersPanel() {
  const steps = useLayerSteps();
  const selected = useSelectedLayer();
  const selectLayer = useUiStore((s) => s.selectLayer);
  const listRef = useRef<HTMLUListElement>(null);
  const layers = steps.flatMap((s) => (s.kind === 'layer' ? [s.layer] : []));
  const move = (to: number | undefined) => {
    if (to === undefined) return;
    selectLayer(to);
    listRef.current?.querySelector(`#layer-option-${to}`)?.scrollIntoView({ block: 'nearest' });
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const i = layers.indexOf(selected);
    const target = e.key === 'ArrowDown' ? layers[i + 1] : e.key === 'ArrowUp' ? layers[i - 1] : e.key === 'Home' ? layers[0] : e.key === 'End' ? layers.at(-1) : undefined;
    if (target === undefined) return;
    e.preventDefault();
    move(target);
  };
  if (steps.length === 0) return null;
  return (
    <section className="layers" aria-labelledby="layers-title">
      <h2 id="layers-title">Layers</h2>
      <LayerSizeChart steps={steps} selected={selected} onSelect={move} />
      <ul ref={listRef} role="listbox" aria-label="Layers" tabIndex={0} aria-activedescendant={`layer-option-${selected}`} onKeyDown={onKeyDown}>
        {steps.map((s) => <StepOption key={s.key} step={s} selected={s.kind === 'layer' && s.layer === selected} onSelect={selectLayer} />)}
      </ul>
    </section>
  );
}

function StepOption({ step, selected, onSelect }: { readonly step: LayerStep; readonly selected: boolean; readonly onSelect: (layer: number) => void }) {
  if (step.kind === 'empty') {
    return (
      <li role="option" aria-selected={false} aria-disabled="true" className="step empty" title={step.createdBy}>
        <span className="cmd">{trimCreatedBy(step.createdBy)}</span> <span className="hint">empty step</span>
      </li>
    );
  }
  const { state, summary } = step;
  const stats = state?.stats ?? null;
  return (
    <li id={`layer-option-${step.layer}`} role="option" aria-selected={selected} className={`step layer${selected ? ' selected' : ''}${state?.status === 'failed' ? ' failed' : ''}`}
      title={step.createdBy ?? ''} onClick={() => onSelect(step.layer)}>
      <span className="num">#{step.layer}</span>
      <span className="cmd">{trimCreatedBy(step.createdBy)}</span>
      <span className="sizes">
        <span title="compressed (download) size">{formatBytes(summary?.size ?? state?.totalBytes ?? null)}</span>
        {' → '}<span title="uncompressed size">{state ? formatBytes(state.uncompressedBytes) : '–'}</span>
      </span>
      {stats !== null && (
        <span className="counts">
          <span className="added" title="added">+{stats.added}</span> <span className="modified" title="modified">~{stats.modified}</span> <span className="removed" title="removed">−{stats.removed}</span>
          {stats.reclaimableBytes > 0 && <span className="wasted" title="bytes shipped again that a lower layer already had"> wasted {formatBytes(stats.reclaimableBytes)}</span>}
        </span>
      )}
      <LayerProgress layer={step.layer} state={state} />
    </li>
  );
}
