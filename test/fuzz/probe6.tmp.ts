import { testService, asWriter, designation } from '../http/support';
const s = await testService({ seed: true });
const count = () => (s.store as any).db.prepare('SELECT count(*) n FROM events').get().n;
for (const [what, f] of [
  ['extra 1e999 in data', (t: string) => t.replace('"kind":"person"', '"kind":"person","x":1e999')],
  ['extra 1e999 in source', (t: string) => t.replace('"publisher"', '"x":1e999,"publisher"')],
  ['extra 1e999 in names', (t: string) => t.replace('"quality":"primary"', '"quality":"primary","x":-1e999')],
] as const) {
  const before = count();
  const payload = f(JSON.stringify(designation(`inf-${what.length}-${Math.random().toString(36).slice(2)}`)));
  const r = await s.app.inject({ method: 'POST', url: '/commands/DesignateSubject', headers: { ...asWriter, 'content-type': 'application/json' }, payload });
  console.log(what, r.statusCode, r.body.slice(0, 150), 'delta', count() - before);
}
console.log((await s.ledger.verify()).ok);
await s.close();
