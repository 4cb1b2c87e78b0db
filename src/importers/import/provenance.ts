/**
 * Who records an import and from which source (DESIGN.md section 3: every event has an actor and a source,
 * with the file's sha256 for imports), plus the snapshot reference used as the legal basis of delistings.
 */
import type { Actor, Source } from '../../../events/envelope';
import type { ListId, ListSnapshot } from '../listing';

/** The publisher of each list as it names itself. */
export const PUBLISHERS: Readonly<Record<ListId, string>> = {
  UN: 'United Nations Security Council',
  'OFAC-SDN': 'U.S. Department of the Treasury, Office of Foreign Assets Control (OFAC)',
  'OFAC-CONS': 'U.S. Department of the Treasury, Office of Foreign Assets Control (OFAC)',
  'EU-FSF': 'European Commission (EU Financial Sanctions Files)',
  'UK-OFSI': 'HM Treasury, Office of Financial Sanctions Implementation (OFSI)',
  'UK-SL': 'Foreign, Commonwealth & Development Office (UK Sanctions List)',
};

export interface ProvenanceOptions {
  /** When the file was fetched from the publisher (ISO instant), if the caller knows it. */
  readonly retrievedAt?: string;
  /** Where the file was fetched from, if the caller knows it; never guessed. */
  readonly url?: string;
}

/** How far ahead of this machine's clock a retrieval instant may be (the fetching machine's clock may run ahead). */
export const RETRIEVED_AT_TOLERANCE_MS = 5 * 60_000;

/**
 * What is wrong with the provenance a caller gives, naming the option, or undefined. A retrieval in the future
 * or a source that is not a web address would be recorded in every event of the import, for good.
 */
export function provenanceProblem(options: ProvenanceOptions, now: Date = new Date()): { option: 'retrievedAt' | 'url'; message: string } | undefined {
  if (options.retrievedAt !== undefined && Date.parse(options.retrievedAt) > now.getTime() + RETRIEVED_AT_TOLERANCE_MS) {
    return { option: 'retrievedAt', message: `${options.retrievedAt} is in the future (it is ${now.toISOString()} here); a file cannot have been fetched yet` };
  }
  if (options.url !== undefined && !isWebAddress(options.url)) {
    return { option: 'url', message: `${JSON.stringify(options.url.slice(0, 80))} is not an http or https address of the file` };
  }
  return undefined;
}

function isWebAddress(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
  } catch {
    return false;
  }
}

export const importerActor = (list: ListId): Actor => ({ id: `importer:${list}`, kind: 'importer' }) as Actor;

/**
 * The source of every command of one import. A set of files (OFAC CSV) is named in documentRef; fileName and
 * sha256 are those of the primary file (the one whose records are the entries), the others' digests are in
 * the import report.
 */
export function importSource(snapshot: ListSnapshot, options: ProvenanceOptions = {}): Source {
  const primary = snapshot.files[0]!;
  return {
    publisher: PUBLISHERS[snapshot.list],
    documentRef: snapshot.files.map((f) => f.name).join(' + '),
    fileName: primary.name,
    sha256: primary.sha256,
    ...(options.retrievedAt === undefined ? {} : { retrievedAt: options.retrievedAt }),
    ...(options.url === undefined ? {} : { url: options.url }),
  } as Source;
}

/**
 * The reference of a snapshot, e.g. `UN-LIST-2017-07-03`. The files say an entry is gone but not which act
 * removed it, so a delisting cites the snapshot itself as its legal basis (and says so in its reason).
 */
export const snapshotRef = (snapshot: Pick<ListSnapshot, 'list' | 'publishedOn'>) => `${snapshot.list}-LIST-${snapshot.publishedOn}`;

/** Ties all events of one import together (correlation id), whatever entry they are about. */
export const importCorrelationId = (snapshot: ListSnapshot) => `import:${snapshot.list}:${snapshot.publishedOn}:${snapshot.files[0]!.sha256.slice(0, 16)}`;
