/**
 * A form generated from a JSON Schema node (content-variants/schema/*.schema.json, themselves
 * generated from the zod schemas), so every component and prop is editable without JSON and a
 * new prop appears here with no console change. Text → input (textarea when long), enum →
 * select, number, boolean → checkbox, object → a group, array → a list with add and remove.
 * `errors` maps a dotted body path to the message `tessera validate` prints for it.
 */
import { h } from 'preact';
import type { JSX } from 'preact';

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema | JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  description?: string;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
}

export interface FieldProps {
  schema: JsonSchema;
  value: unknown;
  onChange: (value: unknown) => void;
  /** Dotted path of this value in the bundle body (for ids and error lookup). */
  path: string;
  label: string;
  errors: ReadonlyMap<string, string>;
  required?: boolean;
}

/** `ctaLabel` / `cta_label` → `Cta label`. */
export const humanize = (key: string) =>
  key
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[_-]/g, ' ')
    .replace(/^./, (c) => c.toUpperCase());

const idOf = (path: string) => `f-${path.replace(/[^A-Za-z0-9]+/g, '-')}`;

function ErrorLine({ path, errors }: { path: string; errors: ReadonlyMap<string, string> }) {
  const message = errors.get(path);
  return message ? (
    <p class="field-error" id={`${idOf(path)}-error`} role="alert">
      {message}
    </p>
  ) : null;
}

function typeOf(schema: JsonSchema): string | undefined {
  if (typeof schema.type === 'string') return schema.type;
  const branches = schema.anyOf ?? schema.oneOf ?? schema.allOf;
  if (branches) return branches.map(typeOf).find((t) => t && t !== 'null');
  return undefined;
}

/** A fresh value for a newly added list item or object. */
export function emptyValue(schema: JsonSchema): unknown {
  if (schema.default !== undefined) return structuredClone(schema.default);
  if (schema.enum?.length) return schema.enum[0];
  switch (typeOf(schema)) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of schema.required ?? [])
        out[key] = emptyValue(schema.properties?.[key] ?? {});
      return out;
    }
    case 'array':
      return [];
    case 'number':
    case 'integer':
      return 0;
    case 'boolean':
      return false;
    default:
      return '';
  }
}

export function Field(p: FieldProps): JSX.Element {
  const { schema, value, onChange, path, label, errors } = p;
  const id = idOf(path);
  const invalid = errors.has(path);
  const aria = {
    id,
    'aria-invalid': invalid ? ('true' as const) : undefined,
    'aria-describedby': invalid ? `${id}-error` : undefined,
  };
  const type = typeOf(schema);
  const labelEl = (
    <label for={id}>
      {label}
      {p.required ? '' : <span class="optional"> (optional)</span>}
    </label>
  );

  if (schema.enum) {
    return (
      <div class="field">
        {labelEl}
        <select
          {...aria}
          value={value === undefined ? '' : String(value)}
          onChange={(e) => onChange(e.currentTarget.value || undefined)}
        >
          {!p.required && <option value="">(none)</option>}
          {schema.enum.map((o) => (
            <option value={String(o)}>{String(o)}</option>
          ))}
        </select>
        <ErrorLine path={path} errors={errors} />
      </div>
    );
  }
  if (type === 'object' && schema.properties) {
    const obj = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
    return (
      <fieldset class="group" id={id}>
        <legend>
          {label}
          {p.required ? '' : <span class="optional"> (optional: leave empty for none)</span>}
        </legend>
        {Object.entries(schema.properties).map(([key, sub]) => (
          <Field
            key={key}
            schema={sub}
            value={obj[key]}
            path={`${path}.${key}`}
            label={humanize(key)}
            errors={errors}
            required={schema.required?.includes(key) ?? false}
            onChange={(v) => {
              const next = { ...obj };
              if (v === undefined || v === '') delete next[key];
              else next[key] = v;
              // An optional group emptied is no group at all (not an invalid `{}`).
              onChange(!p.required && Object.keys(next).length === 0 ? undefined : next);
            }}
          />
        ))}
        <ErrorLine path={path} errors={errors} />
      </fieldset>
    );
  }
  if (type === 'array') {
    const list = Array.isArray(value) ? value : [];
    const item = (Array.isArray(schema.items) ? schema.items[0] : schema.items) ?? {};
    if (typeOf(item) === 'string' && !item.enum) {
      return (
        <div class="field">
          {labelEl}
          <input
            {...aria}
            type="text"
            value={list.join(', ')}
            placeholder="comma, separated"
            onChange={(e) =>
              onChange(
                e.currentTarget.value
                  .split(',')
                  .map((s) => s.trim())
                  .filter(Boolean),
              )
            }
          />
          <ErrorLine path={path} errors={errors} />
        </div>
      );
    }
    return (
      <fieldset class="group" id={id}>
        <legend>{label}</legend>
        {list.map((v, i) => (
          <div class="list-item" key={i}>
            <Field
              schema={item}
              value={v}
              path={`${path}.${i}`}
              label={`${label} ${i + 1}`}
              errors={errors}
              required
              onChange={(nv) => onChange(list.map((x, j) => (j === i ? nv : x)))}
            />
            <button
              type="button"
              class="quiet"
              onClick={() => onChange(list.filter((_x, j) => j !== i))}
            >
              Remove {label.toLowerCase()} {i + 1}
            </button>
          </div>
        ))}
        {(schema.maxItems === undefined || list.length < schema.maxItems) && (
          <button type="button" class="quiet" onClick={() => onChange([...list, emptyValue(item)])}>
            Add {label.toLowerCase()}
          </button>
        )}
        <ErrorLine path={path} errors={errors} />
      </fieldset>
    );
  }
  if (type === 'boolean') {
    return (
      <div class="field check">
        <input
          {...aria}
          type="checkbox"
          checked={value === true}
          onChange={(e) => onChange(e.currentTarget.checked)}
        />
        {labelEl}
        <ErrorLine path={path} errors={errors} />
      </div>
    );
  }
  if (type === 'number' || type === 'integer') {
    return (
      <div class="field">
        {labelEl}
        <input
          {...aria}
          type="number"
          value={value === undefined ? '' : String(value)}
          onChange={(e) =>
            onChange(e.currentTarget.value === '' ? undefined : Number(e.currentTarget.value))
          }
        />
        <ErrorLine path={path} errors={errors} />
      </div>
    );
  }
  const long = (schema.maxLength ?? 0) > 120;
  const text = typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
  return (
    <div class="field">
      {labelEl}
      {long ? (
        <textarea
          {...aria}
          rows={3}
          value={text}
          onInput={(e) => onChange(e.currentTarget.value)}
        />
      ) : (
        <input
          {...aria}
          type="text"
          value={text}
          onInput={(e) => onChange(e.currentTarget.value)}
        />
      )}
      <ErrorLine path={path} errors={errors} />
    </div>
  );
}
