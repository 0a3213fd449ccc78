/** Variables set by middleware for the handlers of the Hono app. */
export interface AppEnv {
  Variables: {
    /** The client's IP address (X-Forwarded-For only when TRUST_PROXY is set). */
    clientIp: string | undefined;
  };
}
