/**
 * The file a command writes (`--out` of figure and figure:map): checked before any run starts, so
 * a bad path costs nothing, and written with every failure as one sentence (`UsageError`).
 */
import { accessSync, constants, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { echo } from './args.ts';
import { UsageError } from './model-ref.ts';

const WHY: Readonly<Record<string, string>> = {
  ENOENT: 'its directory does not exist',
  ENOTDIR: 'a part of its path is not a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  EISDIR: 'it is a directory',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'over the disk quota',
  ENAMETOOLONG: 'the name is too long',
};
const why = (e: unknown): string => {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  return Object.hasOwn(WHY, code) ? `${WHY[code]} (${code})` : code || (e as Error).message;
};

/** `out` if a file can be written there (a new file in an existing directory, or a file that can be overwritten). */
export function checkOut(out: string): string {
  const name = echo(out);
  if (!out) throw new UsageError('--out needs a file name, e.g. --out figure.svg');
  if (out.endsWith('/')) throw new UsageError(`--out ${name} names a directory; name a file in it, e.g. --out ${echo(join(out, 'figure.svg'))}`);
  let exists = true;
  try {
    if (statSync(out).isDirectory()) throw new UsageError(`--out ${name} is a directory; name a file in it, e.g. --out ${echo(join(out, 'figure.svg'))}`);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new UsageError(`--out ${name}: cannot write there: ${why(e)}`);
    exists = false;
  }
  try {
    accessSync(exists ? out : dirname(out), constants.W_OK);
  } catch (e) {
    throw new UsageError(`--out ${name}: cannot write there: ${why(e)}`);
  }
  return out;
}

/** Writes `text` to `out`, or throws a `UsageError` saying why it could not (a full disk, …). */
export function writeOut(out: string, text: string): void {
  try {
    writeFileSync(out, text);
  } catch (e) {
    throw new UsageError(`--out ${echo(out)}: cannot write there: ${why(e)}`);
  }
}
