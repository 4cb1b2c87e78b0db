/**
 * Sealing hashes exactly the bytes DESIGN.md section 6 defines, whatever shortcuts it takes to get there: every
 * ledger already written must keep verifying. Checked against fixed bytes from an earlier version, and against the
 * definition itself computed with the reference `canonicalize` package on generated events.
 */
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Envelope, EnvelopeInput } from '../../events';
import { hashOf, seal } from '../../src/audit/seal';

const reference = canonicalize as unknown as (value: unknown) => string;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The chain definition, spelt out: SHA-256 of the canonical JSON of {data, envelope without hash, revision, stream, type}. */
function definedHash(streamId: string, revision: number, type: string, data: unknown, unsealed: unknown): string {
  return sha256(reference({ data, envelope: unsealed, revision, stream: streamId, type }));
}

const input = {
  eventId: '3f1c1d2e-0000-4000-8000-000000000001',
  schemaVersion: 1,
  actor: { id: 'analyst@example.org', kind: 'person' },
  source: { publisher: 'EU', documentRef: 'OJ L 2024/3192', url: 'https://eur-lex.europa.eu/eli/reg_impl/2024/3192/oj' },
  commandId: 'cmd-1',
  correlationId: 'corr-1',
  causationId: 'cause-1',
} as EnvelopeInput;

describe('seal', () => {
  it('gives the same hash and stored JSON as the version that wrote the existing ledgers', () => {
    const data = {
      subjectId: 'subject-1',
      regime: 'EU:RUS',
      identity: { names: [{ name: 'Ro Kwang Chol', quality: 'primary', script: 'Latn' }, { name: '노광철', quality: 'alias', script: 'Kore' }] },
      measures: ['asset-freeze', 'travel-ban'],
      effectiveFrom: '2024-12-16',
      note: 'quote " backslash \\ tab \t é 😀',
      count: 3,
      ratio: 0.1,
      flag: true,
      none: null,
      skipped: undefined,
      '10': 'ten',
      '9': 'nine',
    };
    const sealed = seal('subject-subject-1', 4, 'SubjectDesignated', data, input, '2024-12-17T09:30:00.123Z', 'a'.repeat(64));
    const hash = '779453167e8d5d7449314e0f432beb30d4c7fadff6b64b4bca7820eed82f9775';
    expect(sealed.envelope.hash).toBe(hash);
    expect(sealed.dataJson).toBe(
      '{"10":"ten","9":"nine","count":3,"effectiveFrom":"2024-12-16","flag":true,"identity":{"names":[{"name":"Ro Kwang Chol","quality":"primary","script":"Latn"},{"name":"노광철","quality":"alias","script":"Kore"}]},"measures":["asset-freeze","travel-ban"],"none":null,"note":"quote \\" backslash \\\\ tab \\t é 😀","ratio":0.1,"regime":"EU:RUS","subjectId":"subject-1"}',
    );
    expect(sealed.envelopeJson).toBe(
      `{"actor":{"id":"analyst@example.org","kind":"person"},"causationId":"cause-1","commandId":"cmd-1","correlationId":"corr-1","eventId":"3f1c1d2e-0000-4000-8000-000000000001","prevHash":"${'a'.repeat(64)}","recordedAt":"2024-12-17T09:30:00.123Z","schemaVersion":1,"source":{"documentRef":"OJ L 2024/3192","publisher":"EU","url":"https://eur-lex.europa.eu/eli/reg_impl/2024/3192/oj"},"hash":"${hash}"}`,
    );
  });

  it('hashes what the chain definition says, for generated data and envelopes', () => {
    const extraMembers = fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 });
    fc.assert(
      fc.property(
        fc.string(),
        fc.nat(),
        fc.string(),
        fc.jsonValue({ stringUnit: 'binary' }),
        extraMembers,
        fc.date({ noInvalidDate: true }),
        (streamId, revision, type, data, extra, at) => {
          const envelopeInput = { ...extra, ...input } as EnvelopeInput;
          const recordedAt = at.toISOString();
          const prevHash = sha256(streamId);
          const sealed = seal(streamId, revision, type, data, envelopeInput, recordedAt, prevHash);
          const unsealed = { ...envelopeInput, recordedAt, prevHash } as Omit<Envelope, 'hash'>;
          const expected = definedHash(streamId, revision, type, data, unsealed);
          expect(sealed.envelope.hash).toBe(expected);
          expect(sealed.envelope).toEqual({ ...unsealed, hash: expected });
          expect(sealed.dataJson).toBe(reference(data));
          expect(JSON.parse(sealed.envelopeJson)).toEqual(JSON.parse(JSON.stringify(sealed.envelope)));
          expect(hashOf({ streamId, revision, type, data, envelope: unsealed })).toBe(expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('copies the envelope input as a spread would, own "__proto__" member included', () => {
    const withProto = JSON.parse(`{"__proto__":{"polluted":true},${JSON.stringify(input).slice(1)}`) as EnvelopeInput;
    const sealed = seal('s', 0, 'T', {}, withProto, '2024-12-17T09:30:00.123Z', 'b'.repeat(64));
    expect(Object.getPrototypeOf(sealed.envelope)).toBe(Object.prototype);
    expect(Object.keys(sealed.envelope)).toEqual([...Object.keys(withProto), 'recordedAt', 'prevHash', 'hash']);
    expect(sealed.envelope.hash).toBe(definedHash('s', 0, 'T', {}, { ...withProto, recordedAt: '2024-12-17T09:30:00.123Z', prevHash: 'b'.repeat(64) }));
  });
});
