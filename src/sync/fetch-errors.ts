/** Why a download failed, one line, and whether trying again may help (network errors, 5xx, 429). */
export class FetchError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    /** From the server's Retry-After, when it sent one. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}
