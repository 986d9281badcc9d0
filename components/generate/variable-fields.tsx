"use client";

import { Field, Input, Select } from "@/components/ui/field";
import type { VariableDef } from "@/lib/templates/types";

/** One form field per template variable, typed as the template declares it. */
export function VariableFields({
  variables,
  values,
  onChange,
}: {
  variables: VariableDef[];
  values: Record<string, string>;
  onChange: (name: string, value: string) => void;
}) {
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      {variables.map((v) => (
        <Field
          key={v.name}
          label={`${v.label}${v.required ? "" : " (optional)"}`}
          name={`var-${v.name}`}
          hint={
            v.type === "text"
              ? `Up to ${v.maxLength} characters`
              : v.type === "number"
                ? `${v.min}–${v.max}`
                : undefined
          }
        >
          {v.type === "enum" ? (
            <Select
              id={`var-${v.name}`}
              name={`var-${v.name}`}
              value={values[v.name] ?? ""}
              onChange={(e) => onChange(v.name, e.target.value)}
            >
              {!v.required && <option value="">—</option>}
              {v.options.map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </Select>
          ) : (
            <Input
              name={`var-${v.name}`}
              type={v.type === "number" ? "number" : "text"}
              value={values[v.name] ?? ""}
              maxLength={v.type === "text" ? v.maxLength : undefined}
              min={v.type === "number" ? v.min : undefined}
              max={v.type === "number" ? v.max : undefined}
              onChange={(e) => onChange(v.name, e.target.value)}
            />
          )}
        </Field>
      ))}
    </div>
  );
}

/** Starting values: each variable's default, or the first option of an enum. */
export function initialValues(variables: VariableDef[]): Record<string, string> {
  return Object.fromEntries(
    variables.map((v) => [
      v.name,
      v.default !== undefined ? String(v.default) : v.type === "enum" && v.required ? (v.options[0] ?? "") : "",
    ]),
  );
}
