/**
 * `npm run -s policy -- FILE`: reads a client's retry configuration (gRPC, Envoy, Polly, AWS,
 * Azure.Core) and prints the lab's settings for it, for one model: `--set ID=VALUE` arguments that
 * `simulate` and `sweep` accept as they are (stdout, one line), and on stderr one line for each
 * part the lab cannot represent exactly. `--format json` prints `{ settings, notes }` instead.
 * Exit 0 when the file was read; 2 with one line on stderr, nothing on stdout, otherwise.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_MODEL_ID } from '../../models/index.ts';
import { policyFromText } from '../params/client-config/policy.ts';
import { setArgs } from '../params/client-config/settings.ts';
import { echo, joinDashValues, oneLine, valueError } from './args.ts';
import { readSmallFile, resolveModel, UsageError } from './model-ref.ts';

export const POLICY_USAGE = 'usage: npm run -s policy -- FILE [--model ID|PATH] [--name NAME] [--profile NAME] [--format sets|json]';

const OPTIONS = {
  model: { type: 'string' },
  name: { type: 'string' },
  profile: { type: 'string' },
  format: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function run(argv: string[]): { out: string; notes: string[] } | 'help' {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: joinDashValues(argv, OPTIONS), options: OPTIONS, strict: true, allowPositionals: true });
  } catch (e) {
    const err = e as Error & { code?: string };
    const names = Object.keys(OPTIONS).map((k) => `--${k}`).join(', ');
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`unknown option "${echo(/'([^']+)'/.exec(err.message)?.[1] ?? '')}"; options are ${names}`);
    if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new UsageError(valueError(err.message));
    throw new UsageError(err.message.split('\n')[0]);
  }
  const v = parsed.values;
  if (v.help) return 'help';
  if (parsed.positionals.length !== 1) throw new UsageError(parsed.positionals.length ? 'give one FILE' : `a FILE is needed; ${POLICY_USAGE}`);
  const format = v.format ?? 'sets';
  if (format !== 'sets' && format !== 'json') throw new UsageError(`--format "${echo(format)}": expected sets or json`);
  const file = parsed.positionals[0];
  const { loaded } = resolveModel(v.model ?? DEFAULT_MODEL_ID);
  let text: string;
  try {
    text = readSmallFile(file, 'file');
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot read file ${echo(file)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const policy = policyFromText(text, { name: v.name, profile: v.profile }, loaded.params, loaded.model.dtS);
  if (!policy.ok) throw new UsageError(`${echo(file)}: ${policy.error}`);
  const notes = [...policy.notes];
  if (v.profile !== undefined && policy.format !== 'aws') notes.unshift('--profile is for AWS shared config files: not used');
  if (v.name !== undefined && policy.format === 'aws') notes.unshift('--name is not used for AWS shared config files: pick a profile with --profile');
  const out = format === 'json' ? JSON.stringify({ settings: policy.settings, notes }) : setArgs(policy.settings).join(' ');
  return { out: out + '\n', notes: format === 'json' ? [] : notes };
}

function main(argv: string[]): number {
  let r: ReturnType<typeof run>;
  try {
    r = run(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`policy: ${oneLine(e.message)}\n`);
      return 2;
    }
    throw e;
  }
  if (r === 'help') {
    process.stdout.write(POLICY_USAGE + '\n');
    return 0;
  }
  process.stdout.write(r.out);
  for (const n of r.notes) process.stderr.write(`policy: ${oneLine(n)}\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
