/**
 * Found by the hostile pass (notes/hostile-pass.md): the importer reads its own state from command ids
 * (`import:<list>:<date>:...` says which publication a list was last imported from, `retract:<list>:<date>:...`
 * that an import was withdrawn). A writer who sent a correction under `retract:OFAC-SDN:2019-01-04:x` made the
 * importer treat the 2019-01-04 import as retracted, so an OLDER file was then taken (the list's date guard
 * gone). Those prefixes are the importer's: a client command under one is a 400 naming commandId, nothing
 * appended, over HTTP and in the CLI; the importer and the retraction keep working.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/importers/import';
import { countEvents, runCli } from '../support/cli';
import { designate } from '../support/fixtures';
import { OFAC_2019 } from '../importers/fixtures';
import { filesBody, MULTIPART_TYPE } from '../importers/multipart-body';
import { asWriter, SOURCE, testService, type TestService } from './support';

let service: TestService;
let dir: string;
const eventCount = async () => (await service.store.readAll({})).length;

beforeAll(async () => {
  service = await testService({ withImports: true });
  await importFiles({ ledger: service.ledger, projector: service.projector }, 'ofac-csv', OFAC_2019, { publishedOn: '2019-01-04' });
  dir = mkdtempSync(join(tmpdir(), 'reserved-command-ids-'));
}, 120_000);
afterAll(async () => {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

const correction = (commandId: string) => ({
  data: { regime: 'US:CUBA', designationId: 'US:CUBA@2019-01-04', corrections: { reasons: 'x' }, reason: 'typo' },
  source: SOURCE,
  commandId,
});

describe('command ids reserved for the importer', () => {
  for (const commandId of ['retract:OFAC-SDN:2019-01-04:x', 'import:OFAC-SDN:2099-01-01:306:US:CUBA:amend:0']) {
    it(`a client correction under ${commandId} is a 400 naming commandId; nothing appended`, async () => {
      const before = await eventCount();
      const response = await service.app.inject({ method: 'POST', url: '/subjects/OFAC-SDN:306/corrections', headers: asWriter, payload: correction(commandId) });
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json()).toMatchObject({ error: 'invalid-command', errors: [{ path: 'commandId' }] });
      expect(response.json().message).toContain('reserved');
      expect(await eventCount()).toBe(before);
    });
  }

  it('so an older file is still refused as older than the list held (the guard the spoof removed)', async () => {
    const response = await service.app.inject({ method: 'POST', url: '/imports/ofac-csv?publishedOn=2018-01-04&dryRun=true', payload: filesBody(OFAC_2019), headers: { ...asWriter, 'content-type': MULTIPART_TYPE } });
    expect(response.statusCode, response.body).toBe(422);
    expect(response.json().message).toContain('already holds the list published 2019-01-04');
  }, 60_000);

  it('an id that merely contains the words is taken', async () => {
    const response = await service.app.inject({ method: 'POST', url: '/subjects/OFAC-SDN:306/corrections', headers: asWriter, payload: correction('my-import:retract:1') });
    expect(response.statusCode, response.body).toBe(201);
  });

  it('the CLI refuses it too: exit 2 naming commandId, nothing appended', () => {
    const db = join(dir, 'cli.db');
    const result = runCli(['--db', db, 'designate', '-', '--source', 'OJ', '--command-id', 'retract:UN:2017-07-03:x'], { input: JSON.stringify(designate()) });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('commandId');
    expect(result.stderr).toContain('reserved');
    expect(countEvents(db)).toBe(0);
  }, 60_000);
});
