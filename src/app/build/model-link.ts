/**
 * A built model in a link (the page key `m`): a JSON Patch against the built-in model it started
 * from when that is shorter, else the whole model, as JSON, deflated (CompressionStream,
 * 'deflate-raw') and base64url-encoded. The same code runs in the page and in Node.
 *
 * Reading one is reading hostile input: the text is bounded, inflation stops at the size of the
 * largest model file, nesting is checked before parsing, a patch is applied without walking a
 * prototype, and the result goes through the loader and the work budget like any model file.
 */
import { BUILTIN_MODELS } from '../../../models/index.ts';
import { BUDGET, loadModel, overBudget, shown, type LoadedModel } from '../../engine/load-model.ts';
import { MAX_MODEL_DEPTH } from '../../engine/load-model.ts';
import { nestingDepth } from '../json-depth.ts';
import { applyPatch, diff, type Json } from './json-patch.ts';

/** The page key a built model travels under. */
export const MODEL_KEY = 'm';
/** Longest `m` value read (a link is read up to 16,384 characters in all). */
export const MAX_MODEL_LINK_CHARS = 16_384;
/** Most bytes a model link may inflate to: the size of the largest model file. */
export const MAX_INFLATED_BYTES = 1 << 20;

/** What a link carries: a patch against a built-in model, or a whole model. */
export type ModelPayload = { b: string; p: unknown[] } | { m: Json };

/** A built model never takes a built-in model's id: its own says it was built. */
export const BUILT_ID = /^built(-[a-z0-9-]{0,33})?$/;

function toBase64url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text: string): Uint8Array {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function deflate(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Inflates `bytes`, refusing (and stopping) as soon as the output passes `max` bytes. */
export async function inflateCapped(bytes: Uint8Array, max: number): Promise<Uint8Array> {
  const reader = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('deflate-raw')).getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      throw new Error(`it inflates to more than ${max / 1048576} MB`);
    }
    parts.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The built-in model a patch may start from, as the table's own entry (never a prototype's). */
function builtinData(id: unknown): Json | undefined {
  return typeof id === 'string' && Object.hasOwn(BUILTIN_MODELS, id) ? (BUILTIN_MODELS[id] as Json) : undefined;
}

/** The payload for `model`: a patch against `origin` when that is shorter, else the whole model. */
export async function encodeModelLink(model: Json, origin: string | null): Promise<string> {
  const whole = toBase64url(await deflate(JSON.stringify({ m: model })));
  const base = builtinData(origin);
  if (base === undefined) return whole;
  const patched = toBase64url(await deflate(JSON.stringify({ b: origin, p: diff(base, model) })));
  return patched.length < whole.length ? patched : whole;
}

export type ModelLinkRead = { ok: true; data: Json; loaded: LoadedModel; origin: string | null } | { ok: false; error: string };

/**
 * Reads a link's `m`: never throws; a model it cannot read, or one the loader or the work budget
 * refuses, comes back as one sentence saying why.
 */
export async function decodeModelLink(text: string): Promise<ModelLinkRead> {
  try {
    if (text.length > MAX_MODEL_LINK_CHARS) throw new Error(`it is ${text.length} characters long; at most ${MAX_MODEL_LINK_CHARS}`);
    if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('it is not base64url text');
    let json: string;
    try {
      json = new TextDecoder('utf-8', { fatal: true }).decode(await inflateCapped(fromBase64url(text), MAX_INFLATED_BYTES));
    } catch (e) {
      throw new Error(/inflates/.test((e as Error).message) ? (e as Error).message : 'it is not a deflated model');
    }
    // The payload is one level above the model, and a patch's values sit two more levels down.
    if (nestingDepth(json) > MAX_MODEL_DEPTH + 3) throw new Error(`it is nested more than ${MAX_MODEL_DEPTH} levels deep`);
    const payload = JSON.parse(json) as unknown;
    const data = modelOf(payload);
    const origin = typeof (payload as { b?: unknown }).b === 'string' ? (payload as { b: string }).b : null;
    const loaded = loadModel(data);
    if (!loaded.ok) throw new Error(`the model is invalid: ${loaded.errors.slice(0, 3).join('; ')}`);
    const over = overBudget(loaded.value.model, loaded.value.model.durationS, BUDGET);
    if (over.length) throw new Error(`the model is too big to run here: ${over.slice(0, 2).join('; ')}`);
    if (!BUILT_ID.test(loaded.value.model.id)) throw new Error(`its id "${loaded.value.model.id}" does not say it was built (a built model's id starts with "built")`);
    return { ok: true, data, loaded: loaded.value, origin };
  } catch (e) {
    return { ok: false, error: shown((e as Error).message) };
  }
}

function modelOf(payload: unknown): Json {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) throw new Error('it holds no model');
  const keys = Object.keys(payload);
  if (keys.length === 1 && keys[0] === 'm') return (payload as { m: Json }).m;
  if (keys.length === 2 && keys.includes('b') && keys.includes('p')) {
    const { b, p } = payload as { b: unknown; p: unknown };
    const base = builtinData(b);
    if (base === undefined) throw new Error(`it starts from "${String(b).slice(0, 40)}", which is not a model of this lab`);
    try {
      return applyPatch(base, p);
    } catch (e) {
      throw new Error(`its patch cannot be applied: ${(e as Error).message}`);
    }
  }
  throw new Error('it holds no model');
}
