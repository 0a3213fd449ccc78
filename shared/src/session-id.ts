/** A pad id: exactly 12 characters of the URL-safe base64 alphabet (9 random bytes). */
export const SESSION_ID_LENGTH = 12;
export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{12}$/;

export function isValidSessionId(value: string): boolean {
  return SESSION_ID_PATTERN.test(value);
}
