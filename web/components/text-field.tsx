import type { FieldErrors } from '../../workers/lib/errors';
import { FieldError } from './layout';

/** What a form page gets back after a refused submit: the message, the field errors and the values to show again. */
export type FormState = { message?: string | undefined; fields?: FieldErrors | undefined; values?: Record<string, string> };

type TextFieldProps = {
  name: string;
  label: string;
  state: FormState;
  type?: string;
  /** The stored value, shown until a submit was refused; then what was typed is shown again. */
  value?: string | number | null | undefined;
  hint?: string | undefined;
  required?: boolean;
  autocomplete?: string;
  /** Show what was typed again after a refused submit (never for passwords and one-time codes). */
  keep?: boolean;
  maxlength?: number;
  min?: number;
  max?: number;
  step?: number;
};

/**
 * A labelled input with its hint and its field error, both announced by screen readers through aria-describedby
 * (WCAG 1.3.1, 3.3.1), and aria-invalid while the field has an error.
 */
export function TextField(props: TextFieldProps) {
  const errors = props.state.fields?.[props.name];
  const hintId = `${props.name}-hint`;
  const errorId = `${props.name}-error`;
  const keep = (props.keep ?? true) && props.type !== 'password';
  const submitted = keep ? props.state.values?.[props.name] : undefined;
  const describedBy = [props.hint ? hintId : '', errors ? errorId : ''].filter(Boolean).join(' ');
  return (
    <label>
      {props.label}
      {props.hint ? (
        <span class="hint" id={hintId}>
          {props.hint}
        </span>
      ) : null}
      <input
        name={props.name}
        type={props.type ?? 'text'}
        value={submitted ?? props.value ?? ''}
        required={props.required ?? true}
        autocomplete={props.autocomplete}
        maxlength={props.maxlength}
        min={props.min}
        max={props.max}
        step={props.step}
        aria-invalid={errors ? 'true' : undefined}
        aria-describedby={describedBy || undefined}
      />
      <FieldError id={errorId} messages={errors} />
    </label>
  );
}
