/**
 * `npm run sweep -- SAME OPTIONS --merge FILE [--merge FILE]…`: puts the outputs of a sweep's
 * shards (`--shard I/N`, run anywhere, in any order) back together, exactly as one unsharded run
 * prints them. Every row's x, y and seed is checked against the grid the options define: a row
 * missing, twice, or not of the grid, an empty or malformed file, or files of mixed formats are
 * refused with one line naming the first such cell or file.
 */
import { resolve } from 'node:path';
import { cellAt, runCount, SWEEP_COLUMNS, sweepCsvHeader, sweepCsvRow, sweepJsonRow, type CellResult, type SweepSpec } from '../engine/sweep.ts';
import { echo } from './args.ts';
import { readSmallFile, UsageError } from './model-ref.ts';
import type { SweepPlan } from './sweep-args.ts';
import { sweepJsonDoc } from './sweep-doc.ts';

export const MERGE_USAGE = '       npm run sweep -- SAME OPTIONS --merge FILE [--merge FILE]...   (the shards\' outputs put back together, without --shard)';

/** Largest shard output read, per file. */
export const MAX_SHARD_BYTES = 256 << 20;

/** `--merge FILE` / `--merge=FILE` taken out of the arguments; the rest go to the sweep's own parser. */
export function takeMerge(argv: readonly string[]): { files: string[]; rest: string[] } {
  const files: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (a === '--merge') {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError('--merge needs a file: --merge FILE, once per shard');
      files.push(next);
      i++;
    } else if (a.startsWith('--merge=')) {
      if (a.length === '--merge='.length) throw new UsageError('--merge needs a file: --merge FILE, once per shard');
      files.push(a.slice('--merge='.length));
    } else rest.push(a);
  }
  return { files, rest };
}

/** A CSV line's fields (quoted as the sweep quotes words), or null when it is not well formed. */
function csvFields(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let v = '';
      for (i++; ; ) {
        if (i >= line.length) return null;
        if (line[i] === '"') {
          if (line[i + 1] !== '"') break;
          v += '"';
          i += 2;
        } else v += line[i++];
      }
      out.push(v);
      i++;
      if (i === line.length) return out;
      if (line[i] !== ',') return null;
      i++;
    } else {
      const j = line.indexOf(',', i);
      if (j < 0) return [...out, line.slice(i)];
      out.push(line.slice(i, j));
      i = j + 1;
    }
  }
}

/** The grid's run `index` with its x, y and seed (the figures are not read): keys come from the printed row. */
function gridCell(spec: SweepSpec, index: number): CellResult {
  const { xi, yi, si } = cellAt(spec, index);
  const y = spec.y ? spec.y.values[yi] : null;
  return { x: spec.x.values[xi], y, seed: spec.seed + si, outcome: 'ok', troubleS: 0, recoveryS: null, goodputShare: null, peakAmplification: 0, wasted: 0 };
}

const describeCell = (spec: SweepSpec, c: CellResult) => [`${spec.x.id}=${c.x}`, ...(spec.y ? [`${spec.y.id}=${c.y}`] : []), `seed ${c.seed}`].join(', ');

type Format = 'csv' | 'json';

interface Shard {
  file: string;
  format: Format;
  /** Each row's key (its x, y and seed as printed) and what is printed for it. */
  rows: { key: string; out: string | Record<string, unknown>; where: string }[];
}

function readShard(file: string, header: string): Shard {
  let text: string;
  try {
    text = readSmallFile(file, 'shard', MAX_SHARD_BYTES);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot read shard ${echo(file)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const name = echo(file);
  if (text.trim() === '') throw new UsageError(`shard ${name} is empty`);
  if (text.startsWith(sweepCsvHeader())) {
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    const rows = lines.slice(1).map((line, i) => {
      const where = `shard ${name} line ${i + 2}`;
      const fields = line.includes('\r') ? null : csvFields(line);
      if (!fields || fields.length !== SWEEP_COLUMNS.length) throw new UsageError(`${where} is not a sweep row (${SWEEP_COLUMNS.length} columns: ${SWEEP_COLUMNS.join(',')})`);
      return { key: JSON.stringify(fields.slice(0, 3)), out: line + '\n', where };
    });
    return { file, format: 'csv', rows };
  }
  if (!text.trimStart().startsWith('{')) throw new UsageError(`shard ${name} is not a sweep's output: neither CSV (its first line is not ${sweepCsvHeader().trim()}) nor JSON`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`shard ${name} is not valid JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc) || !Array.isArray((doc as { rows?: unknown }).rows)) throw new UsageError(`shard ${name} is not a sweep's JSON (no rows)`);
  const { shard: _shard, rows: rawRows, ...rest } = doc as Record<string, unknown>;
  if (JSON.stringify(rest) !== header) {
    const want = JSON.parse(header) as Record<string, unknown>;
    const key = Object.keys(want).find((k) => JSON.stringify(want[k]) !== JSON.stringify(rest[k])) ?? 'header';
    throw new UsageError(`shard ${name} is of another sweep: its ${key} is not what the options give`);
  }
  const columns = JSON.stringify(SWEEP_COLUMNS);
  const rows = (rawRows as unknown[]).map((row, i) => {
    const where = `shard ${name} row ${i + 1}`;
    if (typeof row !== 'object' || row === null || Array.isArray(row) || JSON.stringify(Object.keys(row)) !== columns) throw new UsageError(`${where} is not a sweep row (keys ${SWEEP_COLUMNS.join(', ')})`);
    const r = row as Record<string, unknown>;
    return { key: JSON.stringify([r.x, r.y, r.seed]), out: r, where };
  });
  return { file, format: 'json', rows };
}

/** The whole sweep as one unsharded run prints it, from its shards' outputs. Throws `UsageError` on any refusal. */
export function mergeShards(plan: SweepPlan, files: readonly string[], argv: readonly string[]): string {
  if (plan.shards > 1) throw new UsageError('--merge puts every shard back together: leave out --shard');
  const whole = { ...plan, shard: 1, shards: 1 };
  const { rows: _rows, ...headerDoc } = sweepJsonDoc(whole, []);
  const header = JSON.stringify(headerDoc);
  const twice = files.find((f, i) => files.findIndex((g) => resolve(g) === resolve(f)) !== i);
  if (twice !== undefined) throw new UsageError(`shard ${echo(twice)} is given twice`);
  const shards = files.map((f) => readShard(f, header));
  const format = shards[0].format;
  const other = shards.find((s) => s.format !== format);
  if (other) throw new UsageError(`shards of mixed formats: ${echo(shards[0].file)} is ${format.toUpperCase()}, ${echo(other.file)} is ${other.format.toUpperCase()}`);
  if (argv.some((a) => a === '--format' || a.startsWith('--format=')) && plan.format !== format) {
    throw new UsageError(`--format ${plan.format}, but the shards are ${format.toUpperCase()}`);
  }
  const { spec } = plan;
  const n = runCount(spec);
  const index = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const cell = gridCell(spec, i);
    const key = format === 'csv' ? JSON.stringify(csvFields(sweepCsvRow(cell).slice(0, -1))!.slice(0, 3)) : JSON.stringify(Object.values(sweepJsonRow(cell)).slice(0, 3));
    index.set(key, i);
  }
  const out: (string | Record<string, unknown>)[] = new Array(n);
  const from: string[] = new Array(n);
  for (const shard of shards) {
    for (const row of shard.rows) {
      const i = index.get(row.key);
      if (i === undefined) throw new UsageError(`${row.where}: ${row.key.slice(1, -1)} (x, y, seed) is not a cell of the grid the options define`);
      if (out[i] !== undefined) throw new UsageError(`${describeCell(spec, gridCell(spec, i))} is twice: in ${from[i]} and ${row.where}`);
      out[i] = row.out;
      from[i] = row.where;
    }
  }
  for (let i = 0; i < n; i++) {
    if (out[i] === undefined) throw new UsageError(`no row for ${describeCell(spec, gridCell(spec, i))}: a shard is missing`);
  }
  if (format === 'csv') return sweepCsvHeader() + (out as string[]).join('');
  return JSON.stringify({ ...sweepJsonDoc(whole, []), rows: out }) + '\n';
}
