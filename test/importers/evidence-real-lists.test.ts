/**
 * The evidence rule's guarantee (DESIGN.md section 11) on the real files of ../shared/data/lists: for every
 * consecutive pair, and for the whole sequence, of one list's files, asOf each file's publication date the
 * ledger holds exactly that file's entries, as known right after its import and as known now.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ListSnapshot } from '../../src/importers/listing';
import { checkSequence } from './evidence-sequence';
import { data, parsed } from './fixtures';

const SEQUENCES = {
  UN: () => Promise.all(['2017-06-20', '2017-06-30', '2017-07-03', '2024-09-21', '2024-09-26'].map((d) => parsed('un-xml', [data(`un/un_consolidated_${d}.xml`)]))),
  'OFAC consolidated (XML)': () => Promise.all(['2018-04-06', '2020-03-17'].map((d) => parsed('ofac-xml', [data(`ofac-consolidated/consolidated_nonsdn_${d}.xml`)]))),
  EU: () => Promise.all(['a', 'b'].map((v) => parsed('eu-xml', [data(`eu/eu_fsf_excerpt_2020-04-15_${v}.xml`)]))),
};

for (const [name, load] of Object.entries(SEQUENCES)) {
  describe(`${name}: real files`, () => {
    let files: ListSnapshot[];
    beforeAll(async () => {
      files = await load();
    }, 120_000);

    it('every consecutive pair: asOf each publication date, exactly that file', async () => {
      for (let i = 1; i < files.length; i++) {
        const { mismatches, events } = await checkSequence([files[i - 1]!, files[i]!]);
        expect(mismatches, `${files[i - 1]!.publishedOn} -> ${files[i]!.publishedOn}`).toEqual([]);
        expect(events).toBeGreaterThan(0);
      }
    }, 300_000);

    it('the whole sequence: asOf each publication date, exactly that file', async () => {
      const { mismatches, reimportEvents } = await checkSequence(files);
      expect(mismatches).toEqual([]);
      expect(reimportEvents).toBe(0);
    }, 300_000);
  });
}

