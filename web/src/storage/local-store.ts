/**
 * A JSON value in localStorage that React components can subscribe to. Reads are validated
 * (the stored text may be from an older version, or edited by hand), writes never throw
 * (storage can be full or disabled), and other tabs' writes arrive through the `storage` event.
 */
import { useSyncExternalStore } from "react";

export interface LocalStore<T> {
  get: () => T;
  set: (value: T) => void;
  /** Whether anything (readable or not) is stored under the key. */
  isStored: () => boolean;
  subscribe: (listener: () => void) => () => void;
}

export function createLocalStore<T>(
  key: string,
  parse: (raw: unknown) => T,
  fallback: () => T,
): LocalStore<T> {
  const listeners = new Set<() => void>();
  // useSyncExternalStore needs the same object for the same stored text.
  let cachedRaw: string | null | undefined;
  let cachedValue: T = fallback();
  // Set once a write failed (storage full or disabled): from then on the value lives in memory.
  let memoryOnly = false;

  function readRaw(): string | null {
    try {
      return window.localStorage.getItem(key);
    } catch {
      return null;
    }
  }

  function get(): T {
    if (memoryOnly) return cachedValue;
    const raw = readRaw();
    if (raw === cachedRaw) return cachedValue;
    cachedRaw = raw;
    cachedValue = fallback();
    if (raw !== null) {
      try {
        cachedValue = parse(JSON.parse(raw));
      } catch {
        // Unreadable: behave as if nothing was stored; the next write replaces it.
      }
    }
    return cachedValue;
  }

  function set(value: T): void {
    const raw = JSON.stringify(value);
    try {
      window.localStorage.setItem(key, raw);
      cachedRaw = raw;
    } catch {
      // Keep the value for this page's lifetime rather than losing it.
      memoryOnly = true;
    }
    cachedValue = value;
    for (const listener of listeners) listener();
  }

  function subscribe(listener: () => void): () => void {
    const onStorage = (event: StorageEvent) => {
      if (event.key === key || event.key === null) listener();
    };
    listeners.add(listener);
    window.addEventListener("storage", onStorage);
    return () => {
      listeners.delete(listener);
      window.removeEventListener("storage", onStorage);
    };
  }

  function isStored(): boolean {
    return memoryOnly || readRaw() !== null;
  }

  return { get, set, isStored, subscribe };
}

export function useLocalStore<T>(store: LocalStore<T>): T {
  return useSyncExternalStore(store.subscribe, store.get);
}
