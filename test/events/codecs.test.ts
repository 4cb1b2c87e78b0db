import * as E from 'fp-ts/Either';
import { describe, expect, it } from 'vitest';
import { catalogue, decodeEvent, IsoDate, PartialDate, Instant, type Catalogue } from '../../events';
import { designated } from '../support/fixtures';

describe('calendar dates', () => {
  it.each(['2024-02-29', '2024-12-16', '1999-12-31'])('accepts the real date %s', (d) => {
    expect(IsoDate.is(d)).toBe(true);
  });
  it.each(['2024-02-30', '2023-02-29', '2024-13-01', '2024-00-10', '2024-1-01', '16/12/2024', '2024-12-16T00:00Z', ''])(
    'refuses %s',
    (d) => {
      expect(IsoDate.is(d)).toBe(false);
    },
  );
  it('knows leap years in every century, including years before 100', () => {
    expect(['0000-02-29', '0004-02-29', '2000-02-29', '2400-02-29'].every((d) => IsoDate.is(d))).toBe(true);
    expect(['0001-02-29', '0100-02-29', '1900-02-29', '2100-02-29'].some((d) => IsoDate.is(d))).toBe(false);
  });

  it('accepts partial birth dates but not impossible ones', () => {
    expect(['1964', '1964-03', '1964-03-12'].every((d) => PartialDate.is(d))).toBe(true);
    expect(['1964-13', '1964-02-30', '64'].some((d) => PartialDate.is(d))).toBe(false);
  });
  it('takes instants in UTC with at most millisecond precision', () => {
    expect(Instant.is('2024-12-17T09:30:00.000Z')).toBe(true);
    expect(Instant.is('2024-12-17T24:00:00Z')).toBe(false);
    expect(Instant.is('2024-12-17T09:30:00+01:00')).toBe(false);
  });
});

describe('decoding events', () => {
  it('decodes a valid SubjectDesignated', () => {
    const event = designated();
    const decoded = decodeEvent(event.type, 1, event.data);
    expect(E.isRight(decoded) && decoded.right).toEqual(event);
  });

  it('lists every bad field by path', () => {
    const { data } = designated();
    const bad = {
      ...data,
      effectiveFrom: '2024-02-30',
      identity: { names: [{ name: '  ', quality: 'primary' }] },
      legalBasis: [],
      measures: ['asset-freeze', 'teleportation-ban'],
    };
    const decoded = decodeEvent('SubjectDesignated', 1, bad);
    if (E.isRight(decoded) || decoded.left.kind !== 'invalid-event-data') throw new Error('expected invalid data');
    const paths = decoded.left.errors.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['effectiveFrom', 'identity.names.0.name', 'legalBasis', 'measures.1']));
    expect(decoded.left.message).toContain('effectiveFrom');
  });

  it('refuses an unknown event type', () => {
    const decoded = decodeEvent('SubjectTeleported', 1, {});
    expect(E.isLeft(decoded) && decoded.left.kind).toBe('unknown-event-type');
  });

  it('refuses a version newer than the catalogue knows', () => {
    const decoded = decodeEvent('SubjectDelisted', 7, {});
    expect(E.isLeft(decoded) && decoded.left.kind).toBe('unsupported-version');
  });

  it('upcasts an older stored version step by step to the current one', () => {
    // A catalogue where SubjectDelisted moved to v3: v1 had `date`, v2 renamed it `effectiveFrom`, v3 added `reason`.
    const evolved: Catalogue = {
      currentVersion: { ...(catalogue.currentVersion), SubjectDelisted: 3 },
      upcasters: {
        SubjectDelisted: {
          1: (d) => {
            const { date, ...rest } = d as { date: string };
            return { ...rest, effectiveFrom: date };
          },
          2: (d) => ({ reason: 'not recorded (version 2)', ...(d as object) }),
        },
      },
    };
    const v1 = { subjectId: 's1', designationId: 'UN:DPRK@2017-01-01', authority: 'UN', regime: 'UN:DPRK', date: '2018-01-01', legalBasis: ['UNSC-2397'] };
    const decoded = decodeEvent('SubjectDelisted', 1, v1, evolved);
    expect(E.isRight(decoded) && decoded.right.data).toMatchObject({ effectiveFrom: '2018-01-01', reason: 'not recorded (version 2)' });
    const missingStep = decodeEvent('SubjectDelisted', 1, v1, { ...evolved, upcasters: {} });
    expect(E.isLeft(missingStep) && missingStep.left.kind).toBe('unsupported-version');
  });
});
