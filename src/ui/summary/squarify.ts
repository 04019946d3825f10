// Squarified treemap layout (Bruls, Huizing, van Wijk 2000): places weighted items in a rectangle keeping cells
// close to square. Page side, pure.

export type Rect = { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
export type Placed<T> = Rect & { readonly item: T };

/** Lays out items (weights > 0, any order) in `box`; the result keeps each item with its rectangle. */
export function squarify<T>(items: readonly { item: T; weight: number }[], box: Rect): Placed<T>[] {
  const sorted = items.filter((i) => i.weight > 0).sort((a, b) => b.weight - a.weight);
  const total = sorted.reduce((n, i) => n + i.weight, 0);
  if (total === 0 || box.w <= 0 || box.h <= 0) return [];
  const scale = (box.w * box.h) / total;
  const out: Placed<T>[] = [];
  let rest = sorted.map((i) => ({ item: i.item, area: i.weight * scale }));
  let free = box;
  while (rest.length > 0) {
    const side = Math.min(free.w, free.h);
    let row = [rest[0]!];
    let i = 1;
    while (i < rest.length && worst([...row, rest[i]!], side) <= worst(row, side)) row = [...row, rest[i++]!];
    rest = rest.slice(i);
    const area = row.reduce((n, r) => n + r.area, 0);
    const thick = area / side;
    let offset = 0;
    for (const r of row) {
      const len = r.area / thick;
      out.push(free.w >= free.h
        ? { item: r.item, x: free.x, y: free.y + offset, w: thick, h: len }
        : { item: r.item, x: free.x + offset, y: free.y, w: len, h: thick });
      offset += len;
    }
    free = free.w >= free.h
      ? { x: free.x + thick, y: free.y, w: free.w - thick, h: free.h }
      : { x: free.x, y: free.y + thick, w: free.w, h: free.h - thick };
  }
  return out;
}

/** The worst aspect ratio of a row of areas laid along a side. */
function worst(row: readonly { area: number }[], side: number): number {
  const sum = row.reduce((n, r) => n + r.area, 0);
  const max = Math.max(...row.map((r) => r.area));
  const min = Math.min(...row.map((r) => r.area));
  return Math.max((side * side * max) / (sum * sum), (sum * sum) / (side * side * min));
}
