// What the analysis worker needs of the nested workers it starts (hash workers, layer workers), and the one way their
// replies and failures are wired. Worker side; a Node MessagePort wrapper stands in for Worker in tests.
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
