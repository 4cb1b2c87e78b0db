/** The sources file codec names each bad field by its path; the defaults decode; JSON and YAML both load. */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeSources, DEFAULT_SOURCES, loadSourcesFile, syncConfig } from '../../src/sync';
import { backoffMs } from '../../src/sync';
import { cleanupTmp, tmpFile } from '../importers/fixtures';

const good = { name: 'un', format: 'un-xml', list: 'UN', urls: ['https://example.org/un.xml'], interval: '15m', staleAfter: '26h' };
const withSource = (i: number, patch: Record<string, unknown>) => ({ sources: [good, { ...good, name: 'b' }, { ...good, name: 'c', ...patch }].slice(0, i + 1) });

describe('sources file codec', () => {
  afterAll(cleanupTmp);

  it('decodes a good source, durations in milliseconds', () => {
    expect(decodeSources({ sources: [good] })).toEqual([{ ...good, interval: 900_000, staleAfter: 93_600_000 }]);
  });

  const bad: [string, Record<string, unknown>, string][] = [
    ['interval', { interval: 'often' }, 'sources[2].interval: expected a duration like "15m", got "often"'],
    ['staleAfter', { staleAfter: 0 }, 'sources[2].staleAfter: expected a duration like "15m"'],
    ['format', { format: 'pdf' }, 'sources[2].format: expected a format: un-xml'],
    ['list', { list: 'XX' }, 'sources[2].list: expected a list: UN'],
    ['urls (not http)', { urls: ['ftp://example.org/x'] }, 'sources[2].urls[0]: expected an http(s) URL'],
    ['urls (empty)', { urls: [] }, 'sources[2].urls: expected at least one URL'],
    ['name', { name: 'Has Spaces' }, 'sources[2].name: expected a name of lower-case letters'],
    ['name (missing)', { name: undefined }, 'sources[2].name: expected'],
  ];
  for (const [field, patch, message] of bad) {
    it(`names a bad ${field}`, () => {
      expect(() => decodeSources(withSource(2, patch))).toThrow(message);
    });
  }

  it('refuses two sources of one name, naming the second', () => {
    expect(() => decodeSources({ sources: [good, good] })).toThrow('sources[1].name: "un" is used by an earlier source');
  });

  it('refuses a file without a sources array', () => {
    expect(() => decodeSources({ source: [] })).toThrow(/^sources: expected/);
  });

  it('every default source decodes, one per official publication', () => {
    expect(DEFAULT_SOURCES.map((s) => s.format).sort()).toEqual(['eu-xml', 'ofac-csv', 'ofac-csv', 'ofac-xml', 'ofac-xml', 'uk-xml', 'un-xml']);
  });

  it('loads YAML and JSON files, naming the file in errors', () => {
    const yaml = tmpFile('sources.yaml', 'sources:\n  - name: un\n    format: un-xml\n    list: UN\n    urls: [https://example.org/un.xml]\n    interval: 1m\n    staleAfter: 1h\n');
    expect(loadSourcesFile(yaml)[0]).toMatchObject({ name: 'un', interval: 60_000 });
    const json = tmpFile('sources.json', JSON.stringify({ sources: [{ ...good, interval: '1 minute' }] }));
    expect(() => loadSourcesFile(json)).toThrow(`${json}: sources[0].interval: expected a duration like "15m"`);
    const broken = tmpFile('broken.json', '{"sources": [');
    expect(() => loadSourcesFile(broken)).toThrow(`${broken}: not valid JSON`);
  });

  it('given a sources file that does not exist, when loaded, then the error names the file and the setting', () => {
    const missing = join(dirname(tmpFile('present.yaml', '')), 'missing.yaml');
    expect(() => loadSourcesFile(missing)).toThrow(`cannot read the sources file ${missing} (LEDGER_SOURCES_FILE): no such file`);
  });

  it('sync is off by default, on with LEDGER_SYNC=true or a sources file', () => {
    expect(syncConfig({}).enabled).toBe(false);
    expect(syncConfig({ LEDGER_SYNC: 'true' }).enabled).toBe(true);
    const file = tmpFile('on.yaml', JSON.stringify({ sources: [good] }));
    expect(syncConfig({ LEDGER_SOURCES_FILE: file })).toMatchObject({ enabled: true, sources: [{ name: 'un' }] });
    expect(syncConfig({ LEDGER_SOURCES_FILE: file, LEDGER_SYNC: 'false' }).enabled).toBe(false);
    expect(() => syncConfig({ LEDGER_SYNC: 'yes' })).toThrow('LEDGER_SYNC must be true or false');
  });

  it('backoff is full jitter under an exponential cap', () => {
    const policy = { attempts: 5, baseMs: 100, maxMs: 1000 };
    expect([0, 1, 2, 3, 4].map((a) => backoffMs(a, policy, () => 0.999))).toEqual([99, 199, 399, 799, 999]);
    expect(backoffMs(3, policy, () => 0)).toBe(0);
  });
});
