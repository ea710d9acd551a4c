/**
 * From a command's declared `params` to a form and back: initial values, and the typed arguments
 * the command receives (with a message per field that is not valid).
 */
import type { ParamSpec } from '../../../electron/common/bridge/schemas';

/** A form field's raw value: text for string, number, enum and path; a flag for boolean. */
export type FormValue = string | boolean;
export type FormValues = Record<string, FormValue>;
export type ArgValue = string | number | boolean;

/** The value each field starts with (its declared default, else empty/false/first choice). */
export function initialValues(params: Record<string, ParamSpec>): FormValues {
  const out: FormValues = {};
  for (const [name, spec] of Object.entries(params)) {
    if (spec.type === 'boolean') out[name] = spec.default === true;
    else if (spec.default !== undefined) out[name] = String(spec.default);
    else if (spec.type === 'enum' && spec.required && spec.values?.length) out[name] = spec.values[0]!;
    else out[name] = '';
  }
  return out;
}

export type BuildArgsResult =
  { ok: true; args: Record<string, ArgValue> } | { ok: false; errors: Record<string, string> };

/**
 * Turns form values into command arguments. Empty optional fields are left out; a required one is
 * an error, as is a number that is not one or breaks min/max/integer, or an enum value that is not
 * among the choices.
 */
export function buildArgs(params: Record<string, ParamSpec>, values: FormValues): BuildArgsResult {
  const args: Record<string, ArgValue> = {};
  const errors: Record<string, string> = {};
  for (const [name, spec] of Object.entries(params)) {
    const raw = values[name];
    if (spec.type === 'boolean') {
      args[name] = raw === true;
      continue;
    }
    const text = typeof raw === 'string' ? raw : '';
    if (text.trim() === '') {
      if (spec.required) errors[name] = 'Required';
      continue;
    }
    if (spec.type === 'number') {
      const n = Number(text.trim());
      if (!Number.isFinite(n)) errors[name] = 'Enter a number';
      else if (spec.integer && !Number.isInteger(n)) errors[name] = 'Enter a whole number';
      else if (spec.min !== undefined && n < spec.min) errors[name] = `At least ${spec.min}`;
      else if (spec.max !== undefined && n > spec.max) errors[name] = `At most ${spec.max}`;
      else args[name] = n;
      continue;
    }
    if (spec.type === 'enum' && spec.values && !spec.values.includes(text)) {
      errors[name] = 'Choose one of the listed values';
      continue;
    }
    args[name] = text;
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, args };
}
