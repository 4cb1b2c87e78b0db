/** The OpenAPI document: parseable, OpenAPI 3, every route listed, command bodies generated from the codecs. */
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_TYPES } from '../../src/commands/command-catalogue';
import { testService, type TestService } from './support';

type Operation = {
  summary?: string;
  parameters?: Array<{ name: string; in: string; required?: boolean }>;
  requestBody?: { content: Record<string, { schema: Record<string, any> }> };
  responses: Record<string, unknown>;
  security?: unknown[];
};
type Document = { openapi: string; info: { title: string; version: string }; paths: Record<string, Record<string, Operation>>; components: any };

describe('GET /openapi.json', () => {
  let service: TestService;
  let doc: Document;
  beforeAll(async () => {
    service = await testService();
    const response = await service.app.inject({ url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/application\/json/);
    doc = JSON.parse(response.body) as Document;
  });
  afterAll(() => service.close());

  const EXPECTED: Array<[string, string]> = [
    ...COMMAND_TYPES.map((type): [string, string] => ['post', `/commands/${type}`]),
    ['post', '/resolutions'],
    ['post', '/resolutions/{id}/amendments'],
    ['post', '/resolutions/{id}/repeal'],
    ['post', '/subjects/{id}/designations'],
    ['post', '/subjects/{id}/amendments'],
    ['post', '/subjects/{id}/corrections'],
    ['post', '/subjects/{id}/delistings'],
    ['get', '/state'],
    ['get', '/subjects/{id}'],
    ['get', '/subjects/{id}/history'],
    ['get', '/subjects/{id}/designations/{designationId}/history'],
    ['get', '/resolutions'],
    ['get', '/resolutions/{id}'],
    ['get', '/resolutions/{id}/history'],
    ['get', '/diff'],
    ['get', '/names'],
    ['post', '/verify'],
    ['get', '/feed'],
    ['get', '/health'],
    ['get', '/ready'],
  ];

  it('is an OpenAPI 3 document with a bearer security scheme', () => {
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info.title).toBe('Sanctions ledger');
    expect(doc.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' });
  });

  it('passes the OpenAPI 3.0 JSON Schema (a real validator, not only our own checks)', async () => {
    const result = await new Validator().validate(structuredClone(doc) as unknown as Parameters<Validator["validate"]>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('lists every route', () => {
    const listed = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method} ${path}`));
    for (const [method, path] of EXPECTED) expect(listed, `${method} ${path}`).toContain(`${method} ${path}`);
  });

  it('declares every path parameter and gives every operation responses', () => {
    for (const [path, operations] of Object.entries(doc.paths)) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const [method, operation] of Object.entries(operations)) {
        expect(Object.keys(operation.responses ?? {}).length, `${method} ${path}`).toBeGreaterThan(0);
        const declared = (operation.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
        expect(declared.sort(), `${method} ${path}`).toEqual([...names].sort());
      }
    }
  });

  it('describes command bodies from the io-ts codecs: required fields, enums, dates', () => {
    const body = doc.paths['/commands/DesignateSubject']!.post!.requestBody!.content['application/json']!.schema;
    expect(body.required).toEqual(['data', 'source']);
    const data = body.properties.data;
    expect(data.required).toEqual(expect.arrayContaining(['subjectId', 'kind', 'regime', 'identity', 'measures', 'legalBasis', 'effectiveFrom']));
    expect(data.properties.kind.enum).toEqual(['person', 'entity', 'vessel', 'aircraft']);
    expect(data.properties.effectiveFrom.format).toBe('date');
    expect(data.properties.measures.minItems).toBe(1);
    expect(data.properties.identity.properties.names.items.required).toEqual(['name', 'quality']);
    expect(body.properties.source.required).toEqual(['publisher']);
    // On an alias the path names the subject, so the body need not.
    const alias = doc.paths['/subjects/{id}/designations']!.post!.requestBody!.content['application/json']!.schema;
    expect(alias.properties.data.required).not.toContain('subjectId');
  });

  it('documents the query parameters and the error answers', () => {
    const state = doc.paths['/state']!.get!;
    expect(state.parameters!.map((p) => p.name)).toEqual(expect.arrayContaining(['asOf', 'knownAt', 'authority', 'regime', 'limit', 'offset']));
    expect(Object.keys(state.responses)).toEqual(expect.arrayContaining(['200', '400', '401']));
    expect(Object.keys(doc.paths['/commands/DelistSubject']!.post!.responses)).toEqual(
      expect.arrayContaining(['200', '201', '400', '401', '403', '409', '422']),
    );
  });

  it('serves browsable docs at /docs', async () => {
    const response = await service.app.inject({ url: '/docs' });
    const html = response.statusCode === 302 ? await service.app.inject({ url: response.headers.location as string }) : response;
    expect(html.statusCode).toBe(200);
    expect(html.body).toMatch(/swagger/i);
  });
});
