/**
 * Command-line options of `npm run simulate`. Parsing is pure: it returns the options or one
 * error sentence naming what was wrong and what is allowed.
 */

export interface CliOptions {
  model: string;
  sets: { id: string; value: string }[];
  ats: { time: string; id: string; value: string }[];
  seed?: number;
  durationS?: number;
  everyS: number;
  format: 'csv' | 'json';
}

export const USAGE =
  'usage: npm run simulate -- [--model ID|PATH] [--set ID=VALUE]... [--at TIME:ID=VALUE]... ' +
  '[--seed N] [--duration SECONDS] [--every SECONDS] [--format csv|json]';

export type ParsedArgs = { ok: true; options: CliOptions } | { ok: false; error: string } | { ok: true; help: true };

const MAX_DURATION_S = 7 * 86400;

export function parseArgs(argv: readonly string[], defaultModel: string): ParsedArgs {
  const o: CliOptions = { model: defaultModel, sets: [], ats: [], everyS: 60, format: 'csv' };
  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k];
    if (arg === '--help' || arg === '-h') return { ok: true, help: true };
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const known = ['--model', '--set', '--at', '--seed', '--duration', '--every', '--format'];
    if (!known.includes(name)) {
      return { ok: false, error: `unknown option "${arg}"; options are ${known.join(', ')}` };
    }
    let value: string;
    if (eq > 0 && arg.startsWith('--') && name !== arg) value = arg.slice(eq + 1);
    else {
      if (k + 1 >= argv.length) return { ok: false, error: `${name} needs a value` };
      value = argv[++k];
    }
    switch (name) {
      case '--model':
        if (!value) return { ok: false, error: '--model needs a model id or a path to a model file' };
        o.model = value;
        break;
      case '--set': {
        const m = /^([^=\s]+)=(.*)$/.exec(value);
        if (!m) return { ok: false, error: `--set "${value}": expected ID=VALUE, e.g. --set retry.attempts=0` };
        o.sets.push({ id: m[1], value: m[2] });
        break;
      }
      case '--at': {
        const m = /^(\d{1,2}:\d{2}|\d+(?:\.\d+)?):([^=\s:]+)=(.*)$/.exec(value);
        if (!m) return { ok: false, error: `--at "${value}": expected TIME:ID=VALUE with TIME in seconds or HH:MM, e.g. --at 03:55:admission=0` };
        o.ats.push({ time: m[1], id: m[2], value: m[3] });
        break;
      }
      case '--seed': {
        if (!/^\d{1,10}$/.test(value) || Number(value) > 4294967295) return { ok: false, error: `--seed "${value}": expected a whole number from 0 to 4294967295` };
        o.seed = Number(value);
        break;
      }
      case '--duration': {
        const d = Number(value);
        if (!/^\d+(\.\d+)?$/.test(value) || !(d > 0) || d > MAX_DURATION_S) return { ok: false, error: `--duration "${value}": expected seconds, more than 0 and at most ${MAX_DURATION_S}` };
        o.durationS = d;
        break;
      }
      case '--every': {
        const d = Number(value);
        if (!/^\d+(\.\d+)?$/.test(value) || !(d > 0) || d > MAX_DURATION_S) return { ok: false, error: `--every "${value}": expected seconds, more than 0` };
        o.everyS = d;
        break;
      }
      case '--format':
        if (value !== 'csv' && value !== 'json') return { ok: false, error: `--format "${value}": expected csv or json` };
        o.format = value;
        break;
    }
  }
  return { ok: true, options: o };
}
