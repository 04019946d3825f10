// The step log: one row per command, one column per driver lane, so the same command's effects compare side by
// side (EXDEV on overlay2 vs a redirect with redirect_dir=on, whiteout forms, copy-up bytes). Page side.
import type { SimulationLane, SimulationOut } from '../../protocol/messages.ts';
import { StepCell } from './StepCell.tsx';

export const laneLabel = (lane: SimulationLane): string => (lane.options.length > 0 ? `${lane.driver} (${lane.options.join(', ')})` : lane.driver);

export function StepLog({ lanes, results }: { lanes: readonly SimulationLane[]; results: readonly SimulationOut[] }) {
  const steps = results[0]?.report.steps ?? [];
  if (steps.length === 0) return <p className="muted">No commands yet: the container layer is empty.</p>;
  return (
    <table className="step-log" aria-label="Step log">
      <thead>
        <tr><th scope="col">Command</th>{lanes.map((l, i) => <th key={i} scope="col">{laneLabel(l)}</th>)}</tr>
      </thead>
      <tbody>
        {steps.map((s, row) => (
          <tr key={row}>
            <th scope="row"><code>{s.command}</code></th>
            {results.map((r, i) => (r.report.steps[row] ? <StepCell key={i} step={r.report.steps[row]!} /> : <td key={i} />))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
