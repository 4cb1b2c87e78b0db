/** Official list uploads through the service: writers import, readers are refused before the body is read. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asReader, asWriter, testService, type TestService } from './support';

const UN_FILE = resolve(__dirname, '../../../shared/data/lists/un/un_consolidated_2017-06-30.xml');
let service: TestService;

beforeAll(async () => {
  service = await testService({ withImports: true });
});
afterAll(() => service.close());

const upload = (headers: Record<string, string>) =>
  service.app.inject({ method: 'POST', url: '/imports/un-xml', headers: { ...headers, 'content-type': 'application/xml' }, payload: readFileSync(UN_FILE) });

describe('POST /imports/{format}', () => {
  it('refuses a reader with 403 and appends nothing', async () => {
    const response = await upload(asReader);
    expect(response.statusCode).toBe(403);
    expect(await service.store.readAll({ maxCount: 1 })).toEqual([]);
  });

  it('imports the UN list for a writer, then finds nothing new in the same file', async () => {
    const first = await upload(asWriter);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ entries: { added: 1024 } });
    const again = await upload(asWriter);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ entries: { added: 0, amended: 0, delisted: 0, unchanged: 1024 } });
    const state = await service.projector.queries.state({ asOf: '2017-06-30', authority: 'UN' });
    expect(state.total).toBe(1024); // one UN regime per entry, every one in force on the publication date
  }, 60_000);
});
