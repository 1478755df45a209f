/** Text from outside the lab, as the page and the command line show it. */
import { describe, expect, it } from 'vitest';
import { BUILTIN_MODELS } from '../../models/index.ts';
import { loadModel } from '../../src/engine/load-model.ts';
import { decodeModelText, escapeControls } from '../../src/engine/model-text.ts';

describe('control characters', () => {
  it('are written out as \\uXXXX, so they show instead of acting', () => {
    expect(escapeControls('abc\u202Edef')).toBe('abc\\u202Edef');
    expect(escapeControls('\u001b[31m\u0007\n\u2066\u200f\u0085')).toBe('\\u001B[31m\\u0007\\u000A\\u2066\\u200F\\u0085');
    expect(escapeControls('Managed Identity — East US ↔ West US, 10 × 3')).toBe('Managed Identity — East US ↔ West US, 10 × 3');
  });

  it('in a model\'s title and labels are escaped when it is loaded, for the page and the command line alike', () => {
    const m = structuredClone(BUILTIN_MODELS['single-service']) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    m.title = 'One \u202Eecivres';
    m.regions[0].label = 'Here\u2066';
    m.timeline[0].label = 'Trigger\u0007';
    const r = loadModel(m);
    if (!r.ok) throw new Error(r.errors.join());
    expect(r.value.model.title).toBe('One \\u202Eecivres');
    expect(r.value.model.regions[0].label).toBe('Here\\u2066');
    expect(r.value.model.timeline[0].label).toBe('Trigger\\u0007');
  });
});

describe('a model file\'s bytes', () => {
  const json = '{"a":"é"}';
  it('are read as UTF-8, with or without a byte-order mark', () => {
    expect(decodeModelText(new TextEncoder().encode(json))).toEqual({ ok: true, text: json });
    expect(decodeModelText(new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(json)]))).toEqual({ ok: true, text: json });
  });

  it('are refused as UTF-16, with a byte-order mark or without', () => {
    const le = Buffer.from(json, 'utf16le');
    const refused = { ok: false, error: 'it is UTF-16 (or holds NUL bytes); save it as UTF-8' };
    expect(decodeModelText(new Uint8Array([0xff, 0xfe, ...le]))).toEqual(refused);
    expect(decodeModelText(new Uint8Array([0xfe, 0xff, ...Buffer.from(le).swap16()]))).toEqual(refused);
    expect(decodeModelText(new Uint8Array(le))).toEqual(refused);
  });
});
