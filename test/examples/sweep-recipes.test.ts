/**
 * The recipes in examples/ run: GNU parallel on this machine's cores gives, after --merge, the
 * bytes of one unsharded run; the Kubernetes Indexed Job runs one shard per index, as many as
 * its completions, and its merge Job reads them all.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { planSweep } from '../../src/cli/sweep-args.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const GRID = ['--model', 'single-service', '--x', 'load=300:700:3', '--y', 'breaker=*', '--seeds', '2'];

type Doc = Record<string, any>;
const manifests = (name: string): Doc[] => parseAllDocuments(readFileSync(join(ROOT, 'examples/kubernetes', name), 'utf8')).map((d) => d.toJS() as Doc);

describe('GNU parallel recipe', () => {
  it('runs the shards on this machine’s cores and merges them into the unsharded run, byte for byte', () => {
    const found = spawnSync('parallel', ['--version'], { encoding: 'utf8' });
    expect(found.status, 'GNU parallel is missing: node scripts/ensure-parallel.mjs installs it (as .ci/run does)').toBe(0);
    const out = join(mkdtempSync(join(tmpdir(), 'cascade-parallel-')), 'shards');
    const r = spawnSync('bash', ['examples/parallel/sweep-shards.sh', '3', out, ...GRID], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['shard-1.csv', 'shard-1.csv.err', 'shard-2.csv', 'shard-2.csv.err', 'shard-3.csv', 'shard-3.csv.err']);
    const whole = execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/sweep.ts', ...GRID, '--workers', '1'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stdout).toBe(whole);
    expect(r.stdout.trim().split('\n')).toHaveLength(1 + 3 * 2 * 2);
  }, 120_000);
});

describe('Kubernetes Indexed Job', () => {
  const docs = manifests('sweep-job.yaml');
  const job = docs.find((d) => d.kind === 'Job')!;
  const pod = job.spec.template.spec;
  const script: string = pod.containers[0].args[0];
  const shards = Number(/--shard \$\(\(JOB_COMPLETION_INDEX\+1\)\)\/(\d+)/.exec(script)?.[1]);
  const options: string = docs.find((d) => d.kind === 'ConfigMap')!.data.options;

  it('is an Indexed Job of N completions, each running --shard $((JOB_COMPLETION_INDEX+1))/N', () => {
    expect(job.apiVersion).toBe('batch/v1');
    expect(job.spec.completionMode).toBe('Indexed');
    expect(shards).toBeGreaterThan(1);
    expect(job.spec.completions).toBe(shards);
    expect(job.spec.parallelism).toBeLessThanOrEqual(shards);
    expect(pod.restartPolicy).toBe('Never');
  });

  it('writes each shard to a shared ReadWriteMany volume, which the merge Job reads whole', () => {
    const pvc = manifests('shards-pvc.yaml')[0];
    expect(pvc.kind).toBe('PersistentVolumeClaim');
    expect(pvc.spec.accessModes).toEqual(['ReadWriteMany']);
    const merge = manifests('merge-job.yaml')[0];
    for (const spec of [pod, merge.spec.template.spec]) {
      expect(spec.volumes[0].persistentVolumeClaim.claimName).toBe(pvc.metadata.name);
      expect(spec.containers[0].volumeMounts[0]).toEqual({ name: spec.volumes[0].name, mountPath: '/shards' });
    }
    expect(merge.spec.template.spec.containers[0].env.find((e: Doc) => e.name === 'SHARDS').value).toBe(String(shards));
  });

  it('its sweep options are a sweep’s, and its shell gives shard I/N to index I − 1 and --merge for every shard', () => {
    expect(planSweep(options.split(' '))).toMatchObject({ shard: 1, shards: 1 });
    const dir = mkdtempSync(join(tmpdir(), 'cascade-job-'));
    // The pod's script with `npm` standing for a stub that prints its arguments.
    const run = (text: string, env: Record<string, string>) =>
      execFileSync('sh', ['-c', `npm() { printf '%s\\n' "$@"; }\n${text}`], { env: { PATH: process.env.PATH!, SWEEP_OPTIONS: options, SHARD_DIR: dir, ...env }, encoding: 'utf8' });
    for (const index of [0, shards - 1]) {
      run(script, { JOB_COMPLETION_INDEX: String(index) });
      const args = readFileSync(join(dir, `shard-${index + 1}.csv`), 'utf8').trim().split('\n');
      expect(args).toEqual(['run', '-s', 'sweep', '--', ...options.split(' '), '--workers', '1', '--shard', `${index + 1}/${shards}`]);
    }
    const merge = manifests('merge-job.yaml')[0].spec.template.spec.containers[0];
    run(merge.args[0], { SHARDS: String(shards) });
    const args = readFileSync(join(dir, 'sweep.csv'), 'utf8').trim().split('\n');
    expect(args.filter((a) => a !== '--merge').slice(4 + options.split(' ').length)).toEqual(Array.from({ length: shards }, (_, i) => join(dir, `shard-${i + 1}.csv`)));
  });
});
