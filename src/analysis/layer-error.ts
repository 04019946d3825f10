// The error thrown by the analysis shell: a stable code and a message that says what failed and what to do.
export class LayerError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'LayerError';
  }
}
