/**
 * Client-side navigation on the History API. The server answers every page path with
 * index.html, so a pushState is all a page change needs; `usePathname` re-renders on both
 * our own pushes and the browser's back/forward (popstate).
 */
import { useSyncExternalStore, type MouseEvent } from "react";

const listeners = new Set<() => void>();

function notify(): void {
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener("popstate", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("popstate", listener);
  };
}

function getPathname(): string {
  return window.location.pathname;
}

export function usePathname(): string {
  return useSyncExternalStore(subscribe, getPathname);
}

/** Goes to `path` within the app, without a reload. `state` is kept in history.state. */
export function navigate(path: string, state: unknown = null): void {
  if (path === window.location.pathname) return;
  window.history.pushState(state, "", path);
  window.scrollTo(0, 0);
  notify();
}

/**
 * onClick for an <a href> inside the app: a plain left click navigates in place, while
 * modified clicks (new tab, new window, download) keep the browser's behaviour.
 */
export function handleLinkClick(event: MouseEvent<HTMLAnchorElement>, path: string): void {
  if (
    event.defaultPrevented ||
    event.button !== 0 ||
    event.metaKey ||
    event.ctrlKey ||
    event.shiftKey ||
    event.altKey
  ) {
    return;
  }
  event.preventDefault();
  navigate(path);
}
