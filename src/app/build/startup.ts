/**
 * Before the page starts: a link's built model (`m`) is read (inflating is asynchronous), checked
 * like a model file, and put in the catalog, so that the rest of the link is read against it. A
 * model link that is refused opens the default model with a notice, keeping the link's other parts.
 */
import { buildCatalog, type BuildCatalog } from './catalog.ts';
import { decodeModelLink, encodeModelLink, MODEL_KEY } from './model-link.ts';
import { clip } from '../url.ts';

export interface Startup {
  catalog: BuildCatalog;
  /** The link to read, without the parts that could not be used. */
  search: string;
  notices: string[];
}

let started: Startup | null = null;

export async function readModelLink(search: string): Promise<Startup> {
  const catalog = buildCatalog();
  const q = new URLSearchParams(search);
  const all = q.getAll(MODEL_KEY);
  const text = all[all.length - 1];
  if (text === undefined) return (started = { catalog, search, notices: [] });
  const read = await decodeModelLink(text);
  if (read.ok) {
    const id = read.loaded.model.id;
    const origin = read.origin;
    // The link written back is this model's own encoding: the same model, whatever form it came in.
    catalog.register({ id, data: read.data as object, loaded: read.loaded, link: await encodeModelLink(read.data, origin), origin });
    q.set('model', id);
    return (started = { catalog, search: `?${q}`, notices: [] });
  }
  q.delete(MODEL_KEY);
  const named = q.get('model');
  q.delete('model');
  const notice = `The model in this link${named ? ` ("${clip(named)}")` : ''} could not be opened (${read.error}), so the lab opens its default model with the rest of the link.`;
  return (started = { catalog, search: `?${q}`, notices: [notice] });
}

/** What readModelLink found: the composition root starts from it. */
export function startup(): Startup {
  if (!started) throw new Error('readModelLink has not run');
  return started;
}
