/**
 * Text from an extension made safe to show (prompts, notifications, dialogs) or refused when it
 * names something (manifest fields, package paths): one set of characters for every place.
 */

// Control characters, and the invisible or bidi characters that could reorder or hide what a user reads.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g;

/** Control and bidi-override characters: refused outright in names and manifest text. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const CONTROL_OR_BIDI = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const cap = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** `text` without any unsafe character, at most `max` characters (the last one `…` when cut). */
export function stripUnsafe(text: string, max: number): string {
  return cap(text.replace(UNSAFE, ''), max);
}

/** Plain, single-line text: unsafe characters become spaces, runs of whitespace one space, capped. */
export function plainLine(text: string, max: number): string {
  return cap(text.replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim(), max);
}
