// A coarse idle timer for proxied bodies (node side): the hot path only bumps a counter, and an interval of a quarter
// of the timeout looks at it, so a stall (F12) is noticed idleMs to 1.25 × idleMs after the last progress without
// re-arming a timer for every chunk of a large blob.

export type IdleWatch = {
  /** Marks progress (bytes arrived, or the page drained its buffer). */
  touch(): void;
  stop(): void;
};

export function watchIdle(idleMs: number, onIdle: () => void): IdleWatch {
  let progress = 0;
  let seen = 0;
  let quietSince = Date.now();
  const timer = setInterval(() => {
    const now = Date.now();
    if (progress !== seen) {
      seen = progress;
      quietSince = now;
      return;
    }
    if (now - quietSince >= idleMs) {
      clearInterval(timer);
      onIdle();
    }
  }, Math.max(1, Math.ceil(idleMs / 4)));
  return {
    touch() {
      progress++;
    },
    stop() {
      clearInterval(timer);
    },
  };
}
