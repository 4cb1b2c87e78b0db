import { testService, asWriter, asReader, designation } from '../http/support';
const s = await testService({ seed: true });
for (const name of ['\ud800x', 'a\udc00', '\u0000nul', '\ufffe\uffff', 'e\u0301', '𝕏']) {
  const body = designation(`sur-${Math.random().toString(36).slice(2)}`);
  (body.data.identity.names[0] as any).name = name;
  const r = await s.app.inject({ method: 'POST', url: '/commands/DesignateSubject', headers: { ...asWriter, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
  const g = await s.app.inject({ url: `/subjects/${body.data.subjectId}/history`, headers: asReader });
  console.log(JSON.stringify(name), r.statusCode, JSON.stringify(JSON.parse(g.body)[0]?.data?.identity?.names?.[0]?.name));
}
console.log(await s.ledger.verify());
await s.close();
