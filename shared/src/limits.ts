/** Limits shared by the server's validation and the web client's forms. */
export const TITLE_MAX_LENGTH = 255;

/**
 * A title the database can store: at most TITLE_MAX_LENGTH characters and no NUL, which
 * PostgreSQL refuses in text.
 */
export function isValidTitle(title: string): boolean {
  return title.length <= TITLE_MAX_LENGTH && !title.includes("\u0000");
}
export const DEFAULT_TITLE = "Untitled Session";
export const DEFAULT_LANGUAGE = "javascript";
/** Default of MAX_CODE_SIZE: bytes of pad text in UTF-8. */
export const DEFAULT_MAX_CODE_SIZE = 1_048_576;
/** A chat message longer than this is cut by the client. */
export const CHAT_MESSAGE_MAX_LENGTH = 2000;
/** Display names are cut to this many characters. */
export const USER_NAME_MAX_LENGTH = 40;
