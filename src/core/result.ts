// Result type for expected failures in pure code (core). The shell turns an Err into a thrown, coded Error.

export type Ok<T> = { readonly ok: true; readonly value: T };
export type Err<E = CoreError> = { readonly ok: false; readonly error: E };
export type Result<T, E = CoreError> = Ok<T> | Err<E>;

/** A failure found by pure code: a stable code, and a message a user can act on. */
export type CoreError = { readonly code: string; readonly message: string };

export const ok = <T>(value: T): Ok<T> => ({ ok: true, value });
export const err = (code: string, message: string): Err<CoreError> => ({ ok: false, error: { code, message } });
