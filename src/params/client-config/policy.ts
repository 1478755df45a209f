/**
 * A client config's text as the lab's settings for one model: read and recognised (recognise.ts),
 * then fitted to the model's ranges and step (settings.ts). The one way from a config to settings,
 * for `npm run policy` and the page's paste box alike. Pure: no Node or DOM APIs.
 */
import type { ParamDef, ParamValue } from '../registry.ts';
import { readClientConfig } from './recognise.ts';
import type { FormatId, ReadOptions } from './read.ts';
import { fitToModel } from './settings.ts';

export type PolicyResult =
  | {
      ok: true;
      format: FormatId;
      /** The method config, route, section or profile read, when the file has several kinds of them. */
      name: string | null;
      /** Lab settings by parameter id, in the order `--set` prints them. */
      settings: Record<string, ParamValue>;
      /** One line for each part the lab cannot represent exactly, and what it used instead. */
      notes: string[];
    }
  | { ok: false; error: string };

/** `params` are the model's (fitted to its step `dtS`). Never throws for anything the text holds. */
export function policyFromText(text: string, options: ReadOptions, params: readonly ParamDef[], dtS: number): PolicyResult {
  const read = readClientConfig(text, options);
  if (!read.ok) return read;
  const fit = fitToModel(read.read, params, dtS);
  if (!fit.ok) return fit;
  return { ok: true, format: read.read.format, name: read.read.name, settings: fit.value.settings, notes: fit.value.notes };
}
