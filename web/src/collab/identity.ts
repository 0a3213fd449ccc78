/**
 * Who this browser is on every pad: a stable id, a readable random name ("Curious Otter")
 * the user can change, and a color that reads well on the dark editor. Kept in localStorage
 * so the same person keeps the same name and cursor color across pads and reloads.
 */
import { USER_NAME_MAX_LENGTH, type PadUser } from "@codepad/shared";
import { useEffect } from "react";
import { createLocalStore, useLocalStore } from "../storage/local-store.ts";
import { isSafeColor } from "./user-color.ts";

const ADJECTIVES = [
  "Curious",
  "Brave",
  "Clever",
  "Gentle",
  "Swift",
  "Quiet",
  "Lucky",
  "Bright",
  "Calm",
  "Witty",
  "Bold",
  "Happy",
  "Keen",
  "Nimble",
  "Jolly",
  "Mellow",
  "Sunny",
  "Cosmic",
  "Daring",
  "Eager",
] as const;

const ANIMALS = [
  "Otter",
  "Fox",
  "Panda",
  "Falcon",
  "Koala",
  "Lynx",
  "Heron",
  "Badger",
  "Dolphin",
  "Owl",
  "Tiger",
  "Walrus",
  "Gecko",
  "Raven",
  "Bison",
  "Marten",
  "Puffin",
  "Yak",
  "Lemur",
  "Orca",
] as const;

/**
 * Saturated, mid-light colors: each is readable as a caret and as the background of a white
 * label on #1e1e1e, and no two are neighbours in hue (crimson next to red read as one color
 * in the browser).
 */
export const USER_COLORS = [
  "#e5484d", // red
  "#f76b15", // orange
  "#ffb224", // amber
  "#84cc16", // lime
  "#30a46c", // green
  "#12a594", // teal
  "#00a2c7", // cyan
  "#0090ff", // blue
  "#6e56cf", // violet
  "#ab4aba", // purple
  "#d6409f", // pink
  "#ad7f58", // brown
] as const;

function pick<T>(items: readonly T[]): T {
  const index = crypto.getRandomValues(new Uint32Array(1))[0] ?? 0;
  const item = items[index % items.length];
  if (item === undefined) throw new Error("pick() needs a non-empty list");
  return item;
}

export function randomUserName(): string {
  return `${pick(ADJECTIVES)} ${pick(ANIMALS)}`;
}

/** Trims and cuts a name to the shared limit; an empty result means "keep the old name". */
export function normalizeUserName(name: string): string {
  return name.trim().replace(/\s+/g, " ").slice(0, USER_NAME_MAX_LENGTH);
}

function createIdentity(): PadUser {
  return { id: crypto.randomUUID(), name: randomUserName(), color: pick(USER_COLORS) };
}

function parseIdentity(raw: unknown): PadUser {
  if (typeof raw !== "object" || raw === null) return createIdentity();
  const { id, name, color } = raw as Record<string, unknown>;
  const fresh = createIdentity();
  return {
    id: typeof id === "string" && id.length > 0 ? id : fresh.id,
    name:
      typeof name === "string" && normalizeUserName(name) !== ""
        ? normalizeUserName(name)
        : fresh.name,
    color: typeof color === "string" && isSafeColor(color) ? color : fresh.color,
  };
}

const store = createLocalStore<PadUser>("codepad:identity", parseIdentity, createIdentity);

/** This browser's identity; the first call in a new browser creates and saves one. */
export function useIdentity(): PadUser {
  const identity = useLocalStore(store);
  useEffect(() => {
    // Persist the generated identity so that the next page load keeps the same name and color.
    if (!store.isStored()) store.set(identity);
  }, [identity]);
  return identity;
}

export function setUserName(name: string): void {
  const normalized = normalizeUserName(name);
  if (normalized === "") return;
  store.set({ ...store.get(), name: normalized });
}
