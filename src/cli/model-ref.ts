/**
 * A model named on the command line: a built-in id or a path to a model file (at most 1 MiB),
 * loaded and validated. Errors are one sentence naming what was wrong and what is allowed.
 */
import { readFileSync, statSync } from 'node:fs';
import { BUILTIN_MODELS } from '../../models/index.ts';
import { loadModel, type LoadedModel } from '../engine/load-model.ts';

const MAX_MODEL_BYTES = 1 << 20;

export class UsageError extends Error {}

/** The model's data (for workers that load it themselves) and the model, loaded. */
export function resolveModel(ref: string): { data: unknown; loaded: LoadedModel } {
  let data: unknown = Object.hasOwn(BUILTIN_MODELS, ref) ? BUILTIN_MODELS[ref] : undefined;
  if (data === undefined) {
    if (!/[/\\]|\.json$/i.test(ref)) {
      throw new UsageError(`unknown model "${ref}"; built-in models are ${Object.keys(BUILTIN_MODELS).join(', ')}, or give a path to a model file`);
    }
    let text: string;
    try {
      if (statSync(ref).size > MAX_MODEL_BYTES) throw new UsageError(`model file ${ref} is larger than 1 MiB`);
      text = readFileSync(ref, 'utf8');
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError(`cannot read model file ${ref}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new UsageError(`model file ${ref} is not valid JSON: ${(e as Error).message}`);
    }
  }
  const r = loadModel(data);
  if (!r.ok) throw new UsageError(`model ${ref} is invalid: ${r.errors.slice(0, 3).join('; ')}`);
  return { data, loaded: r.value };
}
