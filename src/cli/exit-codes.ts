/** Exit codes scripts can branch on. */
export const EXIT = {
  ok: 0,
  failure: 1,
  invalidInput: 2,
  refused: 3,
  conflict: 4,
  verifyFailed: 5,
} as const;
