/** `npm run sweep -- … --merge FILE…`: shards run apart and put back together, byte for byte. */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/model-ref.ts';
import { planSweep, type SweepPlan } from '../../src/cli/sweep-args.ts';
import { mergeShards, takeMerge } from '../../src/cli/sweep-merge.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const GRID = ['--model', 'single-service', '--x', 'load=300:700:3', '--y', 'trigger.duration=10,40', '--seeds', '2', '--workers', '1'];

function sweep(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/sweep.ts', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'cascade-merge-'));
const file = (name: string, text?: string) => {
  const f = join(dir, name);
  if (text !== undefined) writeFileSync(f, text);
  return f;
};

/** What `sweep … --merge` prints for these files, or the one line it refuses them with. */
function merge(files: string[], args: string[] = GRID): string {
  const argv = [...args, ...files.flatMap((f) => ['--merge', f])];
  const { files: merged, rest } = takeMerge(argv);
  try {
    return mergeShards(planSweep(rest) as SweepPlan, merged, rest);
  } catch (e) {
    if (e instanceof UsageError) return `refused: ${e.message}`;
    throw e;
  }
}

const whole: Record<string, string> = {};
beforeAll(() => {
  for (const format of ['csv', 'json']) {
    whole[format] = sweep(...GRID, '--format', format).stdout;
    for (const i of [1, 2, 3]) writeFileSync(file(`s${i}.${format}`), sweep(...GRID, '--format', format, '--shard', `${i}/3`).stdout);
  }
}, 60_000);

describe('npm run sweep -- --merge', () => {
  it('rebuilds the unsharded CSV byte for byte, whatever the order of the shards', () => {
    const r = sweep(...GRID, '--merge', file('s3.csv'), '--merge', file('s1.csv'), `--merge=${file('s2.csv')}`);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(whole.csv);
    expect(merge([file('s2.csv'), file('s3.csv'), file('s1.csv')])).toBe(whole.csv);
  });

  it('rebuilds the unsharded JSON byte for byte, whatever the order of the shards', () => {
    const json = [...GRID, '--format', 'json'];
    expect(merge([file('s2.json'), file('s1.json'), file('s3.json')], json)).toBe(whole.json);
    expect(merge([file('s3.json'), file('s2.json'), file('s1.json')], json)).toBe(whole.json);
  });

  it('rebuilds it from any number of shards in any order (property)', () => {
    const [head, ...rows] = whole.csv.trimEnd().split('\n');
    const seeds = 2;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }).chain((n) => fc.tuple(fc.constant(n), fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }))), ([n, order]) => {
        const files = order.map((i) => {
          const mine = rows.filter((_, k) => Math.floor(k / seeds) % n === i);
          return file(`p${n}-${i + 1}.csv`, [head, ...mine].join('\n') + '\n');
        });
        expect(merge(files)).toBe(whole.csv);
      }),
      { numRuns: 25 },
    );
  });

  it('refuses a missing shard with exit 2, one line naming the first cell missing, and nothing on stdout', () => {
    const r = sweep(...GRID, '--merge', file('s1.csv'), '--merge', file('s3.csv'));
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('sweep: no row for load=500, trigger.duration=10, seed 1: a shard is missing\n');
  });

  it('refuses a duplicated row, a foreign row, and a shard of another sweep', () => {
    copyFileSync(file('s1.csv'), file('copy.csv'));
    expect(merge([file('s1.csv'), file('s2.csv'), file('s3.csv'), file('copy.csv')])).toMatch(/^refused: load=300, trigger.duration=10, seed 1 is twice: in shard .*s1.csv line 2 and shard .*copy.csv line 2$/);
    const foreign = readFileSync(file('s2.csv'), 'utf8').replace('\n500,10,', '\n550,10,');
    expect(merge([file('s1.csv'), file('foreign.csv', foreign), file('s3.csv')])).toMatch(/^refused: shard .*foreign.csv line 2: "550","10","1" \(x, y, seed\) is not a cell of the grid the options define$/);
    expect(merge([file('s1.json'), file('s2.json'), file('s3.json')], [...GRID, '--format', 'json', '--seed', '7'])).toMatch(/^refused: shard .*s1.json is of another sweep: its seed is not what the options give$/);
  });

  it('refuses an empty or malformed file, files of mixed formats, the same file twice, and --shard', () => {
    expect(merge([file('s1.csv'), file('empty.csv', '')])).toMatch(/^refused: shard .*empty.csv is empty$/);
    expect(merge([file('s1.csv'), file('cut.csv', whole.csv.slice(0, whole.csv.length - 30))])).toMatch(/^refused: shard .*cut.csv line \d+ is not a sweep row/);
    expect(merge([file('s1.csv'), file('other.txt', 'hello\n')])).toMatch(/^refused: shard .*other.txt is not a sweep's output/);
    expect(merge([file('s1.json'), file('bad.json', '{"rows": [')], [...GRID, '--format', 'json'])).toMatch(/^refused: shard .*bad.json is not valid JSON/);
    expect(merge([file('s1.csv'), file('s2.json'), file('s3.csv')])).toMatch(/^refused: shards of mixed formats: .*s1.csv is CSV, .*s2.json is JSON$/);
    expect(merge([file('s1.csv'), file('s1.csv')])).toMatch(/^refused: shard .*s1.csv is given twice$/);
    expect(merge([file('s1.csv')], [...GRID, '--shard', '1/3'])).toBe('refused: --merge puts every shard back together: leave out --shard');
    expect(merge([file('s1.csv'), file('s2.csv'), file('s3.csv')], [...GRID, '--format', 'json'])).toBe('refused: --format json, but the shards are CSV');
    expect(() => takeMerge([...GRID, '--merge'])).toThrow('--merge needs a file');
  });
});
