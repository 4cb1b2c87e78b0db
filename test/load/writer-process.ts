/**
 * One concurrent writer, run as its own process by the concurrency test: it sends random, often conflicting
 * commands to the HTTP API and prints one JSON line per outcome.
 *   mixed: designations, amendments and delistings about a few shared subjects, one request at a time;
 *   hot:   amendments of ONE designation, `inFlight` requests at a time, so that the two services keep
 *          deciding on a revision the other has just moved.
 * Usage: run-ts test/load/writer-process.ts <url> <token> <worker> <count> <seed> [mixed|hot] [inFlight]
 */
export {};

const [url, token, worker, countText, seedText, mode = 'mixed', inFlightText = '1'] = process.argv.slice(2);
const count = Number(countText);
const inFlight = Number(inFlightText);
let seed = Number(seedText);
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const SUBJECTS = ['s0', 's1', 's2', 's3', 's4'];
const REGIMES = ['EU:RUS', 'UN:DPRK'];
const DATES = ['2024-01-01', '2024-04-01', '2024-07-01', '2024-10-01', '2025-01-01', '2025-04-01'];
const source = { publisher: 'concurrency test' };

function mixedCommand(): { type: string; data: Record<string, unknown> } {
  const subjectId = pick(SUBJECTS);
  const regime = pick(REGIMES);
  const effectiveFrom = pick(DATES);
  switch (pick(['designate', 'designate', 'amend', 'delist'])) {
    case 'designate':
      return { type: 'DesignateSubject', data: { subjectId, kind: 'person', regime, identity: { names: [{ name: `Subject ${subjectId}`, quality: 'primary' }] }, measures: ['asset-freeze'], legalBasis: ['ACT-1'], effectiveFrom } };
    case 'amend':
      return { type: 'AmendDesignation', data: { subjectId, regime, effectiveFrom, changes: { measures: pick([['asset-freeze', 'travel-ban'], ['travel-ban'], ['asset-freeze']]) } } };
    default:
      return { type: 'DelistSubject', data: { subjectId, regime, effectiveFrom, legalBasis: ['ACT-2'], reason: 'delisted' } };
  }
}

/** The hot designation is made by the test before the writers start. */
const HOT_SUBJECT = 'hot';
function hotCommand(i: number): { type: string; data: Record<string, unknown> } {
  // A legal basis of its own per command: every amendment changes something, so none is refused as a no-op.
  return { type: 'AmendDesignation', data: { subjectId: HOT_SUBJECT, regime: 'EU:RUS', effectiveFrom: pick(DATES), changes: { legalBasis: [`ACT-w${worker}-${i}`] } } };
}

async function send(i: number): Promise<void> {
  const { type, data } = mode === 'hot' ? hotCommand(i) : mixedCommand();
  const commandId = `${mode === 'hot' ? 'h' : 'w'}${worker}-${i}`;
  const response = await fetch(`${url}/commands/${type}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ data, source, commandId }),
  });
  const body = (await response.json()) as { events?: Array<{ position: string }>; rule?: string; attempts?: number };
  process.stdout.write(`${JSON.stringify({ commandId, type, data, status: response.status, rule: body.rule, attempts: body.attempts, positions: body.events?.map((e) => e.position) ?? [] })}\n`);
}

let next = 0;
await Promise.all(
  Array.from({ length: inFlight }, async () => {
    while (next < count) await send(next++);
  }),
);
