/**
 * Colors arrive from other clients' awareness states and chat messages, so they are untrusted
 * text that ends up in CSS: only plain "#rrggbb" is let through.
 */
const SAFE_COLOR = /^#[0-9a-fA-F]{6}$/;

/** Shown for a peer whose color is missing or not a plain hex color. */
export const FALLBACK_COLOR = "#8b949e";

export function isSafeColor(value: unknown): value is string {
  return typeof value === "string" && SAFE_COLOR.test(value);
}

export function safeColor(value: unknown): string {
  return isSafeColor(value) ? value : FALLBACK_COLOR;
}

/** Red, green and blue of a color, 0-255; anything unsafe reads as the fallback color. */
function channels(color: string): { r: number; g: number; b: number } {
  const hex = safeColor(color);
  const channel = (start: number) => parseInt(hex.slice(start, start + 2), 16);
  return { r: channel(1), g: channel(3), b: channel(5) };
}

/** `color` at the given opacity, for selection backgrounds. */
export function withAlpha(color: string, alpha: number): string {
  const { r, g, b } = channels(color);
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

/** Black or white, whichever reads better on a label of `color`. */
export function readableTextColor(color: string): string {
  const { r, g, b } = channels(color);
  // Perceived brightness (ITU-R BT.601 weights) is enough to choose between two text colors.
  return (0.299 * r + 0.587 * g + 0.114 * b) / 255 > 0.6 ? "#111111" : "#ffffff";
}
