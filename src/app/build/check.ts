/**
 * A draft checked by the loader that reads model files (loadModel) and the work budget
 * (overBudget), nothing else: what they refuse is refused here, and each refusal is placed at the
 * field whose path it names ("services.2.capacityRps: …"), or at the model when it names none.
 */
import { BUDGET, loadModel, overBudget, type LoadedModel } from '../../engine/load-model.ts';
import type { Draft } from './edits.ts';

export interface Problem {
  /** The loader's path ("services.2.capacityRps"), or '' for the model as a whole. */
  path: string;
  message: string;
}

export type Checked = { ok: true; loaded: LoadedModel } | { ok: false; problems: Problem[] };

/** The path an error names, and what it says, split at the first ": ". */
export function problemOf(error: string): Problem {
  const colon = error.indexOf(': ');
  if (colon < 0) return { path: '', message: error };
  let path = error.slice(0, colon);
  const message = error.slice(colon + 2);
  if (path === '(model)') path = '';
  // The budget names where the peak load is: "regions.0, services.2" — the service is what to change.
  if (path.includes(', ')) path = path.split(', ').pop()!;
  if (path !== '' && !/^[\w.$-]+$/.test(path)) return { path: '', message: error };
  return { path, message };
}

export function checkDraft(draft: Draft): Checked {
  const r = loadModel(draft);
  if (!r.ok) return { ok: false, problems: r.errors.map(problemOf) };
  const over = overBudget(r.value.model, r.value.model.durationS, BUDGET);
  if (over.length) return { ok: false, problems: over.map(problemOf) };
  return { ok: true, loaded: r.value };
}

/**
 * Where a problem shows: the longest of `paths` (the form's fields and rows) that is the problem's
 * path or a prefix of it at a dot, else '' (the model as a whole).
 */
export function placeOf(problemPath: string, paths: Iterable<string>): string {
  let best = '';
  for (const p of paths) {
    if (p.length <= best.length) continue;
    if (problemPath === p || problemPath.startsWith(p + '.')) best = p;
  }
  return best;
}
