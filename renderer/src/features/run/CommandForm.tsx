/**
 * The form of the selected command, generated from its declared `params`: text (or a textarea
 * for multiline), number (min/max/step from the spec), checkbox, select, and a path field with a
 * "Choose…" button that opens the host's picker for a file or a folder.
 */
import { useEffect, useRef, type ReactNode, type RefObject } from 'react';
import type { ParamSpec } from '../../../../electron/common/bridge/schemas';
import { useAppStore } from '../../stores/app-store';

interface FieldProps {
  name: string;
  spec: ParamSpec;
}

function Field({ name, spec }: FieldProps) {
  const value = useAppStore((s) => s.formValues[name]);
  const error = useAppStore((s) => s.formErrors[name]);
  const setValue = useAppStore((s) => s.setFormValue);
  const pick = useAppStore((s) => s.pickParamPath);
  const hasPicker = useAppStore((s) => s.appInfo?.mode === 'electron');
  const id = `param-${name}`;
  const label = spec.title ?? name;
  const text = typeof value === 'string' ? value : '';
  const described =
    [spec.description ? `${id}-desc` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    name,
    'data-testid': id,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': described,
    required: spec.required,
  } as const;

  let control;
  switch (spec.type) {
    case 'boolean':
      control = (
        <input
          {...common}
          type="checkbox"
          checked={value === true}
          onChange={(e) => setValue(name, e.target.checked)}
        />
      );
      break;
    case 'number':
      control = (
        <input
          {...common}
          type="number"
          inputMode={spec.integer ? 'numeric' : 'decimal'}
          min={spec.min}
          max={spec.max}
          step={spec.integer ? 1 : 'any'}
          value={text}
          onChange={(e) => setValue(name, e.target.value)}
        />
      );
      break;
    case 'enum':
      control = (
        <select {...common} value={text} onChange={(e) => setValue(name, e.target.value)}>
          {!spec.required && <option value="">—</option>}
          {(spec.values ?? []).map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
      );
      break;
    case 'path':
      control = (
        <div className="path-field">
          <input
            {...common}
            type="text"
            spellCheck={false}
            placeholder={spec.kind === 'directory' ? 'A folder' : 'A file'}
            value={text}
            onChange={(e) => setValue(name, e.target.value)}
          />
          {hasPicker && (
            <button type="button" data-testid={`param-pick-${name}`} onClick={() => void pick(name)}>
              Choose…
            </button>
          )}
        </div>
      );
      break;
    default:
      control = spec.multiline ? (
        <textarea {...common} rows={5} value={text} onChange={(e) => setValue(name, e.target.value)} />
      ) : (
        <input {...common} type="text" value={text} onChange={(e) => setValue(name, e.target.value)} />
      );
  }

  return (
    <div className={`field field-${spec.type}${spec.type === 'boolean' ? ' field-inline' : ''}`}>
      <label htmlFor={id}>
        <span className="ellipsis" title={label}>
          {label}
        </span>
        {spec.required && (
          <span className="required" data-testid={`${id}-required`}>
            {' '}
            (required)
          </span>
        )}
      </label>
      {control}
      {spec.description && (
        <p id={`${id}-desc`} className="field-help muted">
          {spec.description}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="field-error" role="alert" data-testid={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

export interface CommandFormProps {
  params: Record<string, ParamSpec>;
  onSubmit: () => void;
  /** The action bar (the Run button is a submit button, so Enter in a field runs). */
  children?: ReactNode;
}

/** Moves focus into the form (its first field, else its first button) each time the store asks. */
function useFormFocus(ref: RefObject<HTMLFormElement | null>) {
  const request = useAppStore((s) => s.formFocusRequest);
  useEffect(() => {
    if (request === 0) return;
    ref.current?.querySelector<HTMLElement>('input, textarea, select, button')?.focus();
  }, [request, ref]);
}

export function CommandForm({ params, onSubmit, children }: CommandFormProps) {
  const entries = Object.entries(params);
  const ref = useRef<HTMLFormElement>(null);
  useFormFocus(ref);
  return (
    <form
      ref={ref}
      className="command-form"
      data-testid="command-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
      onKeyDown={(e) => {
        // Ctrl/Cmd+Enter runs from anywhere in the form, a multi-line field included.
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          onSubmit();
        }
      }}
    >
      {entries.length === 0 && <p className="muted">This command takes no parameters.</p>}
      {entries.map(([name, spec]) => (
        <Field key={name} name={name} spec={spec} />
      ))}
      {children}
    </form>
  );
}
