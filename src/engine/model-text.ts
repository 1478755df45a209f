/**
 * Text from outside the lab (a model file, a command-line argument) as the lab shows it: the
 * file's bytes read as UTF-8, and every control character shown escaped. One function each, for
 * the page and the command line alike.
 */

/**
 * Characters that would act rather than show: C0 and C1 controls, DEL, line and paragraph
 * separators, and the marks, embeddings, overrides and isolates that reorder text around them.
 */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every control character written out as `\uXXXX` (U+202E shows as `\u202E`): it reads as it is stored. */
export function escapeControls(text: string): string {
  return text.replace(CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

export type Decoded = { ok: true; text: string } | { ok: false; error: string };

/**
 * A model file's bytes as text: UTF-8, with or without a byte-order mark (which is dropped).
 * UTF-16 (a byte-order mark FF FE or FE FF, or the NUL bytes it puts beside ASCII) is refused:
 * read as UTF-8 it would be mangled.
 */
export function decodeModelText(bytes: Uint8Array): Decoded {
  const utf16Bom = bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
  if (utf16Bom || bytes.includes(0)) return { ok: false, error: 'it is UTF-16 (or holds NUL bytes); save it as UTF-8' };
  // TextDecoder drops a leading UTF-8 byte-order mark.
  return { ok: true, text: new TextDecoder('utf-8').decode(bytes) };
}
