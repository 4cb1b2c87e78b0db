/**
 * Sealing gives an event its recorded time and its place in the stream's hash chain (DESIGN.md section 6):
 * hash = SHA-256 over the canonical JSON of {stream, revision, type, data, envelope without the hash}.
 */
import { createHash } from 'node:crypto';
import type { Envelope, EnvelopeInput } from '../../events';
import { canonicalJson } from './canonical-json';

export interface ChainLink {
  readonly streamId: string;
  readonly revision: number;
  readonly type: string;
  readonly data: unknown;
  readonly envelope: Omit<Envelope, 'hash'>;
}

/**
 * The canonical JSON of the whole link, assembled from the canonical JSON of its parts: the same bytes as
 * canonicalJson({ data, envelope, revision, stream, type }) (keys in sorted order), without re-serialising
 * the data that the store also keeps.
 */
function linkHash(streamId: string, revision: number, type: string, dataJson: string, envelopeJson: string): string {
  const text = `{"data":${dataJson},"envelope":${envelopeJson},"revision":${canonicalJson(revision)},"stream":${JSON.stringify(streamId)},"type":${JSON.stringify(type)}}`;
  return createHash('sha256').update(text).digest('hex');
}

export function hashOf(link: ChainLink): string {
  return linkHash(link.streamId, link.revision, link.type, canonicalJson(link.data), canonicalJson(link.envelope));
}

export interface SealedEvent {
  readonly envelope: Envelope;
  /** Canonical JSON of the data, ready to store. */
  readonly dataJson: string;
  /** JSON of the sealed envelope, ready to store. */
  readonly envelopeJson: string;
}

export function seal(
  streamId: string,
  revision: number,
  type: string,
  data: unknown,
  input: EnvelopeInput,
  recordedAt: string,
  prevHash: string,
): SealedEvent {
  const unsealed = { ...input, recordedAt, prevHash } as Omit<Envelope, 'hash'>;
  const dataJson = canonicalJson(data);
  const unsealedJson = canonicalJson(unsealed);
  const hash = linkHash(streamId, revision, type, dataJson, unsealedJson);
  return {
    envelope: { ...unsealed, hash } as Envelope,
    dataJson,
    envelopeJson: `${unsealedJson.slice(0, -1)},"hash":"${hash}"}`,
  };
}

/** Recorded time never decreases along the global log, even if the wall clock steps back. */
export function nextRecordedAt(lastRecordedAt: string | undefined, now: Date = new Date()): string {
  const candidate = now.toISOString();
  return lastRecordedAt !== undefined && lastRecordedAt > candidate ? lastRecordedAt : candidate;
}
