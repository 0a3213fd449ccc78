export * from "./api-types.ts";
export * from "./close-codes.ts";
export * from "./languages.ts";
export * from "./limits.ts";
export * from "./protocol.ts";
export * from "./session-id.ts";
