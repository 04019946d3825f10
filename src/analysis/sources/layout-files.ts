// Files of an image layout (an OCI layout directory, or the members of a docker-save / oci-archive tar),
// read by path: whole small files with a cap, or large ones streamed. Implemented per runtime (Node fs,
// browser File). Types and the bounded-read helper only.

export type LayoutFiles = {
  readonly description: string;
  /** size in bytes, or undefined when the path does not exist */
  size(path: string): Promise<number | undefined>;
  /** reads a whole file of at most maxBytes; a larger file is an error naming the limit */
  read(path: string, maxBytes: number, signal?: AbortSignal): Promise<Uint8Array>;
  stream(path: string, signal: AbortSignal): AsyncIterable<Uint8Array>;
  /** bytes [start, end) of one file, where the source can slice (the file viewer's random access) */
  streamRange?(path: string, start: number, end: number, signal: AbortSignal): AsyncIterable<Uint8Array>;
  list(): Promise<readonly string[]>;
};

/** Random access to one large blob (a tar file on disk, a dropped File). */
export type RandomAccessBlob = {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
  stream(offset: number, length: number, signal: AbortSignal): AsyncIterable<Uint8Array>;
};

/** Normalises "./a//b" to "a/b" so archive member names and manifest paths compare equal. */
export function cleanMemberPath(path: string): string {
  return path.split('/').filter((p) => p !== '' && p !== '.').join('/');
}
