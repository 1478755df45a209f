/**
 * The paste box's reading (issue #24): a pasted client config is read by the same code as
 * `npm run -s policy` (params/client-config/policy.ts) and fitted to the model on screen, with the
 * same refusals — YAML anchors and aliases, `__proto__` keys, values outside the lab's ranges —
 * plus a size cap of its own. Its settings are used through store actions only: applied as a
 * what-if (the run made again with them, so the link carries them), or compared as run B (the
 * link's `compare=s:…`).
 */
import { FORMAT_LABELS } from '../params/client-config/read.ts';
import { policyFromText } from '../params/client-config/policy.ts';
import { formatValue } from '../params/registry.ts';
import { renderPasteConfig, type PasteReading, type PasteView } from '../view/paste-config.ts';
import { formatCount } from '../view/format.ts';
import type { LabStore } from './store.ts';
import { settingsKey } from './url.ts';

/** The largest paste read, in bytes of UTF-8: a client config is a few hundred. */
export const MAX_PASTE_BYTES = 64 * 1024;

/** A note as the page says it: the command's options are the page's "Which one" box here. */
const onThePage = (note: string) => note.replace(/pick one with --(name|profile)/, 'type its name under "Which one"');

/** Reads a paste for the model on screen: what it maps to, or one sentence saying why not. */
export function readPaste(store: LabStore, text: string, which: string): PasteReading {
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > MAX_PASTE_BYTES) return { ok: false, notice: `Not read: the paste is ${formatCount(Math.ceil(bytes / 1024))} KB, and a client config can be at most 64 KB.` };
  if (text.trim() === '') return { ok: false, notice: 'Paste a client config in the box first.' };
  const model = store.getState().model;
  if (!model) return { ok: false, notice: 'Not read: the model is still loading.' };
  const name = which.trim();
  const r = policyFromText(text, name ? { name, profile: name } : {}, model.params, model.dtS);
  if (!r.ok) return { ok: false, notice: `Not read: ${onThePage(r.error)}.` };
  const format = FORMAT_LABELS[r.format];
  const key = settingsKey(r.settings);
  const label = `${format}${r.name ? ` (${r.name})` : ''}, pasted`;
  const defs = new Map(model.params.map((d) => [d.id, d]));
  return {
    ok: true,
    heading: `Read as ${format}${r.name ? ` (${r.name})` : ''}: the lab's settings for ${model.title}`,
    settings: Object.entries(r.settings).map(([id, v]) => {
      const def = defs.get(id);
      return [def?.label ?? id, `${formatValue(v)}${def?.unit && v !== 'off' ? ` ${def.unit}` : ''}`] as const;
    }),
    notes: r.notes.map(onThePage),
    apply() {
      const s = store.getState();
      if (s.whatIfs.some((w) => w.key === key)) return 'These settings are already on: their chip is under What if.';
      s.addWhatIf({ key, label, params: r.settings });
      return 'Applied: the run is made again with these settings, to the moment it was at.';
    },
    compare() {
      store.getState().compare(key);
      return 'Run B is this run with these settings: the comparison is under Compare.';
    },
  };
}

/** The paste box, built once for the page and read again against each model that loads. */
export function createPasteBox(store: LabStore): PasteView {
  const view = renderPasteConfig({ read: (text, which) => readPaste(store, text, which) });
  store.subscribe((s, prev) => {
    if (s.model !== prev.model && s.model && prev.model && (s.model.id !== prev.model.id || s.model.dtS !== prev.model.dtS)) view.refresh();
  });
  return view;
}
