// The heap this Node process may use (V8's heap_size_limit, raised by --max-old-space-size), as the CLI's source for
// the image entry budget (hardening B2, src/analysis/heap-entry-budget.ts). Node side.
import { getHeapStatistics } from 'node:v8';
import type { HeapLimit } from '../analysis/heap-entry-budget.ts';

export function readNodeHeapLimit(): HeapLimit {
  return { bytes: getHeapStatistics().heap_size_limit, source: 'v8-heap-statistics' };
}
