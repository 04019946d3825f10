// What the analysis worker needs of the nested workers it starts (hash workers, layer workers), the one way their
// replies and failures are wired, and the pools' shared slot bookkeeping. Worker side; a Node MessagePort wrapper
// stands in for Worker in tests.
export type NestedWorker = Pick<Worker, 'postMessage' | 'terminate' | 'addEventListener'>;

/**
 * Sends every reply of `port` to `onReply`, and a load error, crash or undeserialisable message to `onFail` with
 * what happened (the error event is marked handled: the failure is the caller's to report).
 */
export function watchNestedWorker<R>(port: NestedWorker, onReply: (reply: R) => void, onFail: (why: string) => void): void {
  port.addEventListener('message', (event: MessageEvent) => onReply(event.data as R));
  port.addEventListener('error', (event: ErrorEvent) => {
    event.preventDefault?.();
    onFail(event.message || 'it stopped (failed to load or crashed)');
  });
  port.addEventListener('messageerror', () => onFail('a message could not be deserialised'));
}

/** One nested worker of a pool and what it is working on (hash streams, layers) by id. */
export type WorkerSlot<T> = { readonly port: NestedWorker; readonly jobs: Map<number, T>; failed: boolean; started: boolean };

/**
 * The slot bookkeeping of a pool of nested workers: the least busy live worker (a new one while the pool is below its
 * size), each reply routed to its job by id, and a failed worker dropped and terminated, its jobs handed to `onFail`
 * (with whether it ever answered: one that never did may not be able to load at all).
 */
export class NestedWorkerSlots<T, R extends { readonly id: number }> {
  private readonly slots: WorkerSlot<T>[] = [];

  constructor(
    private readonly create: () => NestedWorker,
    readonly size: number,
    private readonly deliver: (job: T, reply: R) => void,
    private readonly onFail: (jobs: T[], why: string, started: boolean) => void,
  ) {}

  /** A live worker has nothing to do. */
  hasIdle(): boolean {
    return this.slots.some((s) => !s.failed && s.jobs.size === 0);
  }

  /** The pool may start another worker. */
  canGrow(): boolean {
    return this.slots.filter((s) => !s.failed).length < this.size;
  }

  pick(): WorkerSlot<T> {
    const live = this.slots.filter((s) => !s.failed);
    return live.find((s) => s.jobs.size === 0) ?? (live.length < this.size ? this.spawn() : live.reduce((a, b) => (b.jobs.size < a.jobs.size ? b : a)));
  }

  /** Starts a worker (throws where nested workers cannot be constructed). */
  spawn(): WorkerSlot<T> {
    const port = this.create();
    const slot: WorkerSlot<T> = { port, jobs: new Map(), failed: false, started: false };
    watchNestedWorker<R>(port, (reply) => {
      slot.started = true;
      const job = slot.jobs.get(reply.id);
      if (job !== undefined) this.deliver(job, reply);
    }, (why) => this.fail(slot, why));
    this.slots.push(slot);
    return slot;
  }

  fail(slot: WorkerSlot<T>, why: string): void {
    slot.failed = true;
    const at = this.slots.indexOf(slot);
    if (at >= 0) this.slots.splice(at, 1);
    slot.port.terminate();
    const jobs = [...slot.jobs.values()];
    slot.jobs.clear();
    this.onFail(jobs, why, slot.started);
  }

  /** Terminates every worker; their jobs fail with `why`. */
  terminate(why: string): void {
    for (const slot of [...this.slots]) this.fail(slot, why);
  }
}
