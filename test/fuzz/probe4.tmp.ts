import { parseJson } from '../../src/cli/input';
for (const t of ['a\rb', '{"a":\r\u2028x}', 'x\u2028y\u2029z\u0085w', '\u001b[31mred', '{"a" 1\r\n}']) {
  try { parseJson(t, 'stdin'); } catch (e) { console.log(JSON.stringify((e as Error).message)); }
}
