/**
 * The page's model catalog with room for one model built in the page (or opened from a model
 * link): it joins under its own id, with the link that carries it and the data that runs it.
 */
import { BUILTIN_MODELS } from '../../../models/index.ts';
import { mustLoadModel, type LoadedModel } from '../../engine/load-model.ts';
import { catalogOver } from '../link.ts';
import type { ModelCatalog } from '../url.ts';

export interface BuildCatalog extends ModelCatalog {
  /** Puts a built model in the catalog (replacing the one of the same id), with its link. */
  register(entry: BuiltEntry): void;
  /** The built model of that id, if any. */
  builtEntry(id: string): BuiltEntry | undefined;
}

export interface BuiltEntry {
  id: string;
  data: object;
  loaded: LoadedModel;
  /** The `m` value that carries it (see model-link.ts). */
  link: string;
  /** The built-in model it started from, or null. */
  origin: string | null;
}

export function buildCatalog(): BuildCatalog {
  const loaded: Record<string, LoadedModel> = Object.fromEntries(Object.entries(BUILTIN_MODELS).map(([id, data]) => [id, mustLoadModel(data)]));
  const built = new Map<string, BuiltEntry>();
  const byData = new WeakMap<object, string>();
  const catalog = catalogOver(loaded);
  return Object.assign(catalog, {
    register(entry: BuiltEntry) {
      if (Object.hasOwn(BUILTIN_MODELS, entry.id)) throw new Error(`a built model cannot take the id "${entry.id}"`);
      loaded[entry.id] = entry.loaded;
      built.set(entry.id, entry);
      byData.set(entry.data, entry.id);
    },
    builtEntry: (id: string) => built.get(id),
    modelLinkOf: (id: string) => built.get(id)?.link,
    builtIdOf: (data: unknown) => (data !== null && typeof data === 'object' ? byData.get(data) : undefined),
  });
}
