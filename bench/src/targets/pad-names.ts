import { randomBytes } from "node:crypto";

/** A pad id in Codepad's format (12 characters of base64url), fine for every target. */
export function randomPadId(): string {
  return randomBytes(9).toString("base64url");
}
