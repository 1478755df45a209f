/**
 * Command-line options of `npm run simulate`, read with Node's `util.parseArgs`. Parsing is pure:
 * it returns the options or one error sentence naming what was wrong and what is allowed.
 */
import { parseArgs as parseTokens } from 'node:util';
import { escapeControls } from '../engine/model-text.ts';

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
/** Largest output one process prints, in rows (simulate: regions × services per sample; sweep: runs): about 150 MB of CSV. */
export const MAX_ROWS = { csv: 1_000_000, json: 250_000 } as const;

/** Longest option value read: a model path, a setting or a change (longer ones are refused unread). */
export const MAX_ARG_CHARS = 4096;

const OPTIONS = {
  model: { type: 'string' },
  set: { type: 'string', multiple: true },
  at: { type: 'string', multiple: true },
  seed: { type: 'string' },
  duration: { type: 'string' },
  every: { type: 'string' },
  format: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;
const KNOWN = ['--model', '--set', '--at', '--seed', '--duration', '--every', '--format'];

/** Text from the command line echoed in a message: control characters escaped (`\u202E`), a few dozen characters at most. */
export function echo(text: string): string {
  const printable = escapeControls(text.length > 200 ? text.slice(0, 200) : text);
  return printable.length > 60 ? printable.slice(0, 57) + '…' : printable;
}

/** Every message is one line of printable text, whatever a file or an argument held: control characters are escaped. */
export function oneLine(message: string): string {
  const printable = escapeControls(message.length > 4000 ? message.slice(0, 4000) : message);
  return printable.length > 2000 ? printable.slice(0, 1997) + '…' : printable;
}

export function parseArgs(argv: readonly string[], defaultModel: string): ParsedArgs {
  const o: CliOptions = { model: defaultModel, sets: [], ats: [], everyS: 60, format: 'csv' };
  const { tokens } = parseTokens({ args: [...argv], options: OPTIONS, strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    if (token.kind === 'option' && token.name === 'help' && token.value === undefined) return { ok: true, help: true };
  }
  for (const token of tokens) {
    if (token.kind !== 'option' || !Object.hasOwn(OPTIONS, token.name) || token.name === 'help') {
      return { ok: false, error: `unknown option "${echo(argv[token.index])}"; options are ${KNOWN.join(', ')}` };
    }
    const name = token.rawName;
    const value = token.value;
    if (value === undefined) return { ok: false, error: `${name} needs a value` };
    if (value.length > MAX_ARG_CHARS) return { ok: false, error: `${name}: a value of ${value.length} characters is too long; at most ${MAX_ARG_CHARS}` };
    switch (token.name) {
      case 'model':
        if (!value) return { ok: false, error: '--model needs a model id or a path to a model file' };
        o.model = value;
        break;
      case 'set': {
        const m = /^([^=\s]+)=(.*)$/.exec(value);
        if (!m) return { ok: false, error: `--set "${echo(value)}": expected ID=VALUE, e.g. --set retry.attempts=0` };
        o.sets.push({ id: m[1], value: m[2] });
        break;
      }
      case 'at': {
        const m = /^(\d{1,2}:\d{2}|\d{1,9}(?:\.\d{1,9})?):([^=\s:]+)=(.*)$/.exec(value);
        if (!m) return { ok: false, error: `--at "${echo(value)}": expected TIME:ID=VALUE with TIME in seconds or HH:MM, e.g. --at 03:55:admission=0` };
        o.ats.push({ time: m[1], id: m[2], value: m[3] });
        break;
      }
      case 'seed':
        if (!/^\d{1,10}$/.test(value) || Number(value) > 4294967295) return { ok: false, error: `--seed "${echo(value)}": expected a whole number from 0 to 4294967295` };
        o.seed = Number(value);
        break;
      case 'duration': {
        const d = Number(value);
        if (!/^\d{1,9}(\.\d{1,9})?$/.test(value) || !(d > 0) || d > MAX_DURATION_S) return { ok: false, error: `--duration "${echo(value)}": expected seconds, more than 0 and at most ${MAX_DURATION_S}` };
        o.durationS = d;
        break;
      }
      case 'every': {
        const d = Number(value);
        if (!/^\d{1,9}(\.\d{1,9})?$/.test(value) || !(d > 0) || d > MAX_DURATION_S) return { ok: false, error: `--every "${echo(value)}": expected seconds, more than 0 and at most ${MAX_DURATION_S}` };
        o.everyS = d;
        break;
      }
      case 'format':
        if (value !== 'csv' && value !== 'json') return { ok: false, error: `--format "${echo(value)}": expected csv or json` };
        o.format = value;
        break;
    }
  }
  return { ok: true, options: o };
}

/**
 * `--flag -5` as `--flag=-5`: in strict mode util.parseArgs refuses a value that starts with a dash
 * as ambiguous, so a negative number would never reach the option's own check, which names the
 * range allowed. A string option takes the next argument when it starts with one dash and is not
 * an option itself (-h); `--flag --other` is still refused as a missing value.
 */
export function joinDashValues(argv: readonly string[], options: Record<string, { type: string; short?: string }>): string[] {
  const shorts = new Set(Object.values(options).map((o) => o.short && `-${o.short}`));
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const name = a.startsWith('--') && !a.includes('=') ? a.slice(2) : '';
    const next = argv[i + 1] ?? '';
    if (Object.hasOwn(options, name) && options[name].type === 'string' && /^-[^-]/.test(next) && !shorts.has(next)) out.push(`${a}=${argv[++i]}`);
    else out.push(a);
    if (a === '--') return [...out, ...argv.slice(i + 1)];
  }
  return out;
}

/** util.parseArgs' complaint about an option's value, as one sentence naming the option. */
export function valueError(message: string): string {
  const flag = /^Option '(?:-\w, )?(--[^' ]+)/.exec(message)?.[1];
  if (!flag) return message.split('\n')[0];
  if (/does not take an argument/.test(message)) return `${flag} takes no value`;
  if (/ambiguous/.test(message)) return `${flag} needs a value; a value that starts with "-" goes after "=", as ${flag}=VALUE`;
  return `${flag} needs a value`;
}
