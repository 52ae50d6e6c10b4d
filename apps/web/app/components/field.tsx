import type { InputHTMLAttributes } from "react";

interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  id: string;
  label: string;
  hint?: string;
  errors?: string[] | undefined;
}

/** A labelled input whose errors are announced and tied to it with aria-describedby. */
export function Field({ id, label, hint, errors, ...input }: FieldProps) {
  const hasErrors = Boolean(errors && errors.length > 0);
  const describedBy =
    [hint ? `${id}-hint` : null, hasErrors ? `${id}-error` : null].filter(Boolean).join(" ") ||
    undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        aria-invalid={hasErrors || undefined}
        aria-describedby={describedBy}
        {...input}
      />
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {hasErrors ? (
        <ul className="field-error" id={`${id}-error`} aria-live="polite">
          {errors?.map((message) => (
            <li key={message}>
              {label} {message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
