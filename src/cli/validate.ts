/**
 * `npm run validate`: the engine against results nobody here wrote (src/engine/validation.ts),
 * as a table. Exits 1 if any check fails, 2 if given any argument (it takes none).
 */
import { allChecks, type CheckResult } from '../engine/validation.ts';
import { echo } from './args.ts';

// validate takes no options: anything given is a mistake worth saying, not a run that ignores it.
const given = process.argv.slice(2);
if (given.length === 1 && (given[0] === '--help' || given[0] === '-h')) {
  console.log('usage: npm run validate   (no options: holds the engine against published results and prints them)');
  process.exit(0);
}
if (given.length > 0) {
  process.stderr.write(`validate: unexpected argument "${echo(given[0])}"; validate takes no options\n`);
  process.exit(2);
}

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
