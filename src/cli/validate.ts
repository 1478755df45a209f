/**
 * `npm run validate`: the engine against results nobody here wrote (src/engine/validation.ts),
 * as a table. Exits 1 if any check fails.
 */
import { allChecks, type CheckResult } from '../engine/validation.ts';

const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(1) : x.toFixed(4).replace(/0+$/, '').replace(/\.$/, ''));
const tolerance = (c: CheckResult) => (c.kind === 'atMost' ? `≤ ${fmt(c.expected)} (+${c.tolerance * 100} %)` : `± ${c.tolerance * 100} %`);

const rows = allChecks();
console.log('Cascade Lab: how we know\n');
for (const c of rows) {
  console.log(`${c.pass ? 'pass' : 'FAIL'}  ${c.id}`);
  console.log(`      ${c.claim}`);
  console.log(`      ${c.reference} ${fmt(c.expected)}${c.unit ? ' ' + c.unit : ''} · lab ${fmt(c.measured)}${c.unit ? ' ' + c.unit : ''} · tolerance ${tolerance(c)}`);
  console.log(`      ${c.source}\n`);
}
const failed = rows.filter((c) => !c.pass).length;
console.log(`${rows.length - failed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
