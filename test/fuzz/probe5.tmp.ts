import { testService } from '../http/support';
const s = await testService({ seed: true });
const doc = JSON.parse((await s.app.inject({ url: '/openapi.json' })).body);
for (const [p, ops] of Object.entries<any>(doc.paths)) console.log(p, Object.keys(ops).join(','), Object.values<any>(ops).map((o) => (o.parameters ?? []).map((x: any) => `${x.in}:${x.name}`).join(' ')).join('|'));
let t = Date.now();
for (let i = 0; i < 2000; i++) await s.app.inject({ url: '/state?asOf=2024-12-16', headers: { authorization: 'Bearer reader-secret-0123456789abcdef' } });
console.log('2000 reads ms', Date.now() - t);
t = Date.now();
for (let i = 0; i < 500; i++) await s.app.inject({ method: 'POST', url: '/commands/DesignateSubject', headers: { authorization: 'Bearer writer-secret-0123456789abcdef' }, payload: { data: { subjectId: `s-${i}`, kind: 'person', regime: 'EU:RUS', identity: { names: [{ name: 'x', quality: 'primary' }] }, measures: ['asset-freeze'], legalBasis: ['X'], effectiveFrom: '2024-01-01' }, source: { publisher: 'p' } } });
console.log('500 writes ms', Date.now() - t);
for (const u of ['/docs', '/docs/static/index.html', '/docs/json', '/nope', '/docs/static/nope.js']) { const r = await s.app.inject({ url: u }); console.log(u, r.statusCode, r.headers['content-type'], r.body.slice(0, 80)); }
for (const m of ['PROPFIND', 'DELETE', 'PUT', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'CONNECT', 'QUERY', 'SEARCH']) { try { const r = await s.app.inject({ method: m as any, url: '/state' }); console.log(m, r.statusCode, r.body.slice(0, 80)); } catch (e) { console.log(m, 'throws', (e as Error).message); } }
await s.close();
