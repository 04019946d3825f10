// Registry credentials the user typed, per registry host. Kept in memory; copied to sessionStorage only when the
// user opts in. They are handed only to requests for that same host. Page side (zustand).
import { create } from 'zustand';

export type Credentials = { readonly username: string; readonly password: string };

type CredentialsState = {
  readonly byHost: Readonly<Record<string, Credentials>>;
  setCredentials(host: string, credentials: Credentials, remember: boolean): void;
  forget(host: string): void;
};

const PREFIX = 'strata.credentials.';

function readRemembered(): Record<string, Credentials> {
  const out: Record<string, Credentials> = {};
  try {
    for (let i = 0; i < sessionStorage.length; i++) {
      const key = sessionStorage.key(i);
      if (key === null || !key.startsWith(PREFIX)) continue;
      const v = JSON.parse(sessionStorage.getItem(key) ?? 'null') as unknown;
      if (typeof v === 'object' && v !== null && typeof (v as Credentials).username === 'string' && typeof (v as Credentials).password === 'string') {
        out[key.slice(PREFIX.length)] = { username: (v as Credentials).username, password: (v as Credentials).password };
      }
    }
  } catch {
    // sessionStorage unavailable (privacy mode): memory only.
  }
  return out;
}

export const useCredentialsStore = create<CredentialsState>()((set) => ({
  byHost: readRemembered(),
  setCredentials: (host, credentials, remember) => {
    try {
      if (remember) sessionStorage.setItem(PREFIX + host, JSON.stringify(credentials));
      else sessionStorage.removeItem(PREFIX + host);
    } catch {
      // memory only
    }
    set((s) => ({ byHost: { ...s.byHost, [host]: credentials } }));
  },
  forget: (host) => {
    try {
      sessionStorage.removeItem(PREFIX + host);
    } catch {
      // memory only
    }
    set((s) => {
      const next = { ...s.byHost };
      delete next[host];
      return { byHost: next };
    });
  },
}));

export function credentialsFor(host: string): Credentials | undefined {
  return useCredentialsStore.getState().byHost[host];
}
