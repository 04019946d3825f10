// The error every decoder in src/analysis/codecs throws (worker side, also Node for tests): a stable code
// the pipeline can map to a layer status, and a message that says what failed and where.

export type CodecErrorCode =
  | 'GZIP_CORRUPT'
  | 'GZIP_TRUNCATED'
  | 'GZIP_TRAILING_DATA'
  | 'ZSTD_CORRUPT'
  | 'ZSTD_TRUNCATED'
  | 'ZSTD_WINDOW_TOO_LARGE'
  | 'DECOMPRESSION_BOMB'
  | 'HASH_WORKER_FAILED';

export class CodecError extends Error {
  override readonly name = 'CodecError';
  readonly code: CodecErrorCode;

  constructor(code: CodecErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
