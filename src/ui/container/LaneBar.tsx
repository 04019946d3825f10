// The one to three driver lanes the container runs under, side by side: a driver and its options (k=v, comma
// separated: redirect_dir=on, metacopy=on, kernel=4.19, lvm=direct, reflink=yes). Page side.
import { useState } from 'react';
import { DRIVER_OPTIONS } from '../../queries/driver-choice.ts';
import { MAX_LANES, useContainerStore } from '../../state/container-store.ts';

function LaneEditor({ index }: { index: number }) {
  const lane = useContainerStore((s) => s.lanes[index]!);
  const setLane = useContainerStore((s) => s.setLane);
  const removeLane = useContainerStore((s) => s.removeLane);
  const count = useContainerStore((s) => s.lanes.length);
  const [text, setText] = useState(lane.options.join(','));
  const commit = () => setLane(index, { ...lane, options: text.split(',').map((o) => o.trim()).filter((o) => o !== '') });
  return (
    <fieldset className="lane">
      <legend>Driver {index + 1}</legend>
      <select aria-label={`Driver ${index + 1}`} value={lane.driver} onChange={(e) => setLane(index, { ...lane, driver: e.target.value })}>
        {DRIVER_OPTIONS.map((d) => <option key={d} value={d}>{d}</option>)}
      </select>
      <input aria-label={`Driver ${index + 1} options`} value={text} placeholder="options, e.g. redirect_dir=on" onChange={(e) => setText(e.target.value)}
        onBlur={commit} onKeyDown={(e) => { if (e.key === 'Enter') commit(); }} />
      {count > 1 && <button type="button" aria-label={`Remove driver ${index + 1}`} onClick={() => removeLane(index)}>×</button>}
    </fieldset>
  );
}

export function LaneBar() {
  const lanes = useContainerStore((s) => s.lanes);
  const addLane = useContainerStore((s) => s.addLane);
  return (
    <div className="lanes">
      {lanes.map((l, i) => <LaneEditor key={`${i}-${l.driver}-${l.options.join(',')}`} index={i} />)}
      {lanes.length < MAX_LANES && <button type="button" onClick={addLane}>Add a driver</button>}
    </div>
  );
}
