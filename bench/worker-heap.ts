// Heap of the page's dedicated worker over CDP (node; benchmark only): the page session auto-attaches to worker
// targets (non-flattened, so playwright's CDPSession can talk to them through Target.sendMessageToTarget), then
// samples Runtime.getHeapUsage (JS heap + ArrayBuffer backing stores) and forces GC with HeapProfiler.collectGarbage.
import type { CDPSession, Page } from 'playwright-core';

type HeapUsage = { usedSize: number; totalSize: number; embedderHeapUsedSize: number; backingStorageSize: number };

export class WorkerHeap {
  private session: string | undefined;
  private nextId = 0;
  private readonly waiting = new Map<number, (v: { result?: unknown; error?: unknown }) => void>();
  private timer: ReturnType<typeof setInterval> | undefined;
  peak = 0;

  private constructor(private readonly cdp: CDPSession) {
    cdp.on('Target.attachedToTarget', (e: { sessionId: string; targetInfo: { type: string } }) => {
      if (e.targetInfo.type === 'worker') this.session = e.sessionId;
    });
    cdp.on('Target.receivedMessageFromTarget', (e: { message: string }) => {
      const m = JSON.parse(e.message) as { id?: number; result?: unknown; error?: unknown };
      if (m.id !== undefined) this.waiting.get(m.id)?.(m);
    });
  }

  static async attach(page: Page): Promise<WorkerHeap> {
    const cdp = await page.context().newCDPSession(page);
    const heap = new WorkerHeap(cdp);
    await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
    return heap;
  }

  get attached(): boolean {
    return this.session !== undefined;
  }

  call<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const session = this.session;
    if (session === undefined) return Promise.reject(new Error('no worker target attached'));
    const id = ++this.nextId;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, (m) => {
        this.waiting.delete(id);
        if (m.error) reject(new Error(`${method}: ${JSON.stringify(m.error)}`));
        else resolve(m.result as T);
      });
      this.cdp.send('Target.sendMessageToTarget', { sessionId: session, message: JSON.stringify({ id, method, params }) }).catch(reject);
    });
  }

  /** JS heap used plus ArrayBuffer backing stores, in bytes. */
  async used(): Promise<number> {
    const u = await this.call<HeapUsage>('Runtime.getHeapUsage');
    return u.usedSize + u.backingStorageSize;
  }

  async retainedAfterGc(): Promise<number> {
    await this.call('HeapProfiler.enable');
    await this.call('HeapProfiler.collectGarbage');
    return this.used();
  }

  /** Samples every `everyMs` into `peak` until stop(). */
  start(everyMs = 100): void {
    this.peak = 0;
    this.timer = setInterval(() => {
      if (this.session === undefined) return;
      this.used().then((u) => { this.peak = Math.max(this.peak, u); }, () => undefined);
    }, everyMs);
  }

  async stop(): Promise<number> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    if (this.session !== undefined) this.peak = Math.max(this.peak, await this.used());
    return this.peak;
  }
}
