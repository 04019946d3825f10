// The viewport of a virtualized list: which rows are visible (plus overscan) given the scroll position and the
// container's height, kept current by a ResizeObserver. Shared by the files tree and the compare diff.
import { useLayoutEffect, useRef, useState } from 'react';

export type VirtualViewport = {
  readonly scrollRef: React.RefObject<HTMLDivElement | null>;
  readonly onScroll: () => void;
  /** first and last row index to render (last may exceed the row count; clamp it) */
  readonly first: number;
  readonly last: number;
  /** rows that fit in the viewport */
  readonly visible: number;
};

export function useVirtualViewport(rowHeight: number, overscan = 10): VirtualViewport {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(400);
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (el === null) return;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight || 400));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const visible = Math.ceil(height / rowHeight);
  return { scrollRef, onScroll: () => setScrollTop(scrollRef.current?.scrollTop ?? 0), first, last: first + visible + overscan * 2, visible };
}
