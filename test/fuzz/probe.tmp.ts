import { testService, asWriter, designation } from '../http/support';
const s = await testService({ seed: true });
const D = 10000;
const deepText = '['.repeat(D) + ']'.repeat(D);
const withDeep = (body: unknown) => JSON.stringify(body).replace('"__DEEP__"', deepText);
const count = () => (s.store as any).db.prepare('SELECT count(*) n FROM events').get().n;
const b = (id: string, f: (b: any) => void) => { const x: any = designation(id); f(x); return x; };
const tries: Array<[string, string, unknown]> = [
  ['extra deep field', '/commands/DesignateSubject', b('d1', (x) => { x.data.x = '__DEEP__'; })],
  ['deep subjectId', '/commands/DesignateSubject', b('d2', (x) => { x.data.subjectId = '__DEEP__'; })],
  ['alias mismatch deep', '/subjects/abc/designations', b('d3', (x) => { x.data.subjectId = '__DEEP__'; })],
  ['deep source extra', '/commands/DesignateSubject', b('d4', (x) => { x.source.y = '__DEEP__'; })],
  ['deep source publisher', '/commands/DesignateSubject', b('d4b', (x) => { x.source.publisher = '__DEEP__'; })],
  ['deep commandId', '/commands/DesignateSubject', b('d5', (x) => { x.commandId = '__DEEP__'; })],
  ['deep names extra', '/commands/DesignateSubject', b('d6', (x) => { x.data.identity.names[0].z = '__DEEP__'; })],
  ['deep data', '/commands/DesignateSubject', b('d7', (x) => { x.data = '__DEEP__'; })],
];
for (const [what, url, body] of tries) {
  const before = count();
  const r = await s.app.inject({ method: 'POST', url, headers: { ...asWriter, 'content-type': 'application/json' }, payload: withDeep(body) });
  console.log(what, r.statusCode, r.body.slice(0, 160), 'delta', count() - before);
}
console.log((await s.ledger.verify()).ok);
await s.close();
