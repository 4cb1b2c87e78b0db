/**
 * Counts the event loop's turns with a setImmediate chain, as an I/O callback would get them: what tests of
 * sliced work use to see whether the loop was given turns, and how many.
 */
export function countLoopTurns(): { readonly turns: () => number; readonly stop: () => void } {
  let turns = 0;
  let running = true;
  const tick = () => {
    if (!running) return;
    turns += 1;
    setImmediate(tick);
  };
  setImmediate(tick);
  return { turns: () => turns, stop: () => (running = false) };
}

/** Runs `work`, counting the loop's turns meanwhile. */
export async function turnsDuring<T>(work: () => Promise<T> | T): Promise<{ result: T; turns: number }> {
  const counter = countLoopTurns();
  try {
    const result = await work();
    return { result, turns: counter.turns() };
  } finally {
    counter.stop();
  }
}
