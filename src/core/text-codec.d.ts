// Core is compiled without DOM or Node types. TextDecoder/TextEncoder are pure, deterministic and present in
// every runtime Strata runs in (browser, worker, Node), so core may use them; nothing else is declared here.
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}
declare class TextEncoder {
  encode(input?: string): Uint8Array;
  encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
}
