/**
 * A condition without JSON: clauses over segments, traits, scores, interests and context signals
 * (country, device, local hour, referrer, …), joined by "all" or "any". A condition the builder
 * cannot show as clauses (nested groups, `not`) is edited as JSON instead, never lost.
 */
import { Fragment, h } from 'preact';
import { useState } from 'preact/hooks';
import { CONTEXT_SIGNALS } from '../../../shared/schema/context-signals.ts';
import type { Comparison, Condition } from '../../../shared/schema/condition.ts';
import type { Named } from './describe.ts';

type Kind = 'segment' | 'traits' | 'scores' | 'affinities' | 'context';
interface Clause {
  kind: Kind;
  name: string;
  op: string;
  value: string;
}

const KINDS: { kind: Kind; label: string }[] = [
  { kind: 'segment', label: 'Segment' },
  { kind: 'traits', label: 'Trait' },
  { kind: 'scores', label: 'Score' },
  { kind: 'affinities', label: 'Interest' },
  { kind: 'context', label: 'Context signal' },
];
const OPS = [
  ['eq', 'is'],
  ['in', 'is one of'],
  ['gt', 'is over'],
  ['gte', 'is at least'],
  ['lt', 'is under'],
  ['lte', 'is at most'],
] as const;
const SIGNALS = Object.entries(CONTEXT_SIGNALS) as [
  string,
  { type: string; values?: readonly string[] },
][];

function toClause(c: Condition): Clause | undefined {
  if ('segment' in c) return { kind: 'segment', name: c.segment, op: 'eq', value: '' };
  if (!('field' in c)) return undefined;
  const [kind, ...rest] = c.field.split('.');
  if (!['traits', 'scores', 'affinities', 'context'].includes(kind!)) return undefined;
  if (!['eq', 'in', 'gt', 'gte', 'lt', 'lte'].includes(c.op)) return undefined;
  if (!('value' in c)) return undefined;
  const value = Array.isArray(c.value) ? c.value.join(', ') : String(c.value);
  return { kind: kind as Kind, name: rest.join('.'), op: c.op, value };
}

/** Clauses and how they join, or undefined when the condition needs the JSON view. */
export function toClauses(c: Condition): { join: 'all' | 'any'; clauses: Clause[] } | undefined {
  const list = 'all' in c ? c.all : 'any' in c ? c.any : [c];
  const clauses = list.map(toClause);
  if (clauses.some((x) => !x)) return undefined;
  return { join: 'any' in c ? 'any' : 'all', clauses: clauses as Clause[] };
}

function typed(kind: Kind, name: string, text: string): string | number | boolean {
  const spec =
    kind === 'context' ? CONTEXT_SIGNALS[name as keyof typeof CONTEXT_SIGNALS] : undefined;
  const type = spec?.type ?? (kind === 'traits' ? undefined : 'number');
  if (type === 'number') return text.trim() === '' ? Number.NaN : Number(text);
  if (type === 'boolean') return text === 'true';
  if (type === undefined && /^-?\d+(\.\d+)?$/.test(text.trim())) return Number(text);
  if (type === undefined && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

export function fromClause(c: Clause): Condition {
  if (c.kind === 'segment') return { segment: c.name };
  const field = `${c.kind}.${c.name}`;
  if (c.op === 'in')
    return {
      field,
      op: 'in',
      value: c.value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .map((s) => typed(c.kind, c.name, s)),
    } as Comparison;
  return { field, op: c.op, value: typed(c.kind, c.name, c.value) } as Comparison;
}

export function fromClauses(join: 'all' | 'any', clauses: Clause[]): Condition {
  const list = clauses.map(fromClause);
  return list.length === 1 ? list[0]! : join === 'all' ? { all: list } : { any: list };
}

export function ConditionBuilder(p: {
  value: Condition;
  onChange: (c: Condition) => void;
  segments: readonly Named[];
  idPrefix: string;
}) {
  const parsed = toClauses(p.value);
  const [json, setJson] = useState<string | undefined>(
    parsed ? undefined : JSON.stringify(p.value, null, 2),
  );
  const [jsonError, setJsonError] = useState('');
  if (!parsed || json !== undefined) {
    return (
      <div class="field">
        <label for={`${p.idPrefix}-json`}>Condition (JSON)</label>
        <textarea
          id={`${p.idPrefix}-json`}
          rows={6}
          value={json ?? JSON.stringify(p.value, null, 2)}
          onInput={(e) => {
            const text = e.currentTarget.value;
            setJson(text);
            try {
              p.onChange(JSON.parse(text) as Condition);
              setJsonError('');
            } catch (err) {
              setJsonError(`not JSON yet: ${(err as Error).message}`);
            }
          }}
        />
        {jsonError && <p class="field-error">{jsonError}</p>}
        {parsed && (
          <button type="button" class="quiet" onClick={() => setJson(undefined)}>
            Back to the builder
          </button>
        )}
      </div>
    );
  }
  const { join, clauses } = parsed;
  const update = (i: number, patch: Partial<Clause>) =>
    p.onChange(
      fromClauses(
        join,
        clauses.map((c, j) => (j === i ? { ...c, ...patch } : c)),
      ),
    );
  return (
    <fieldset class="group conditions">
      <legend>Who</legend>
      {clauses.length > 1 && (
        <div class="field">
          <label for={`${p.idPrefix}-join`}>Match</label>
          <select
            id={`${p.idPrefix}-join`}
            value={join}
            onChange={(e) =>
              p.onChange(fromClauses(e.currentTarget.value as 'all' | 'any', clauses))
            }
          >
            <option value="all">all of these</option>
            <option value="any">any of these</option>
          </select>
        </div>
      )}
      {clauses.map((c, i) => {
        const id = `${p.idPrefix}-${i}`;
        const signal =
          c.kind === 'context'
            ? CONTEXT_SIGNALS[c.name as keyof typeof CONTEXT_SIGNALS]
            : undefined;
        const values =
          signal && 'values' in signal ? (signal.values as readonly string[]) : undefined;
        return (
          <div class="clause" key={i}>
            <div class="field">
              <label for={`${id}-kind`}>Clause {i + 1}</label>
              <select
                id={`${id}-kind`}
                value={c.kind}
                onChange={(e) => {
                  const kind = e.currentTarget.value as Kind;
                  update(i, {
                    kind,
                    name:
                      kind === 'segment'
                        ? (p.segments[0]?.id ?? '')
                        : kind === 'context'
                          ? 'country'
                          : '',
                    op: 'eq',
                    value: '',
                  });
                }}
              >
                {KINDS.map((k) => (
                  <option value={k.kind}>{k.label}</option>
                ))}
              </select>
            </div>
            {c.kind === 'segment' ? (
              <div class="field">
                <label for={`${id}-segment`}>Segment</label>
                <select
                  id={`${id}-segment`}
                  value={c.name}
                  onChange={(e) => update(i, { name: e.currentTarget.value })}
                >
                  {p.segments.map((s) => (
                    <option value={s.id}>{s.name ?? s.id}</option>
                  ))}
                </select>
              </div>
            ) : (
              <>
                <div class="field">
                  <label for={`${id}-name`}>{c.kind === 'context' ? 'Signal' : 'Name'}</label>
                  {c.kind === 'context' ? (
                    <select
                      id={`${id}-name`}
                      value={c.name}
                      onChange={(e) => update(i, { name: e.currentTarget.value, value: '' })}
                    >
                      {SIGNALS.map(([name]) => (
                        <option value={name}>{name}</option>
                      ))}
                    </select>
                  ) : (
                    <input
                      id={`${id}-name`}
                      value={c.name}
                      placeholder={c.kind === 'traits' ? 'tier' : 'churnRisk'}
                      onInput={(e) => update(i, { name: e.currentTarget.value })}
                    />
                  )}
                </div>
                <div class="field">
                  <label for={`${id}-op`}>Test</label>
                  <select
                    id={`${id}-op`}
                    value={c.op}
                    onChange={(e) => update(i, { op: e.currentTarget.value })}
                  >
                    {OPS.map(([op, label]) => (
                      <option value={op}>{label}</option>
                    ))}
                  </select>
                </div>
                <div class="field">
                  <label for={`${id}-value`}>Value</label>
                  {values && c.op === 'eq' ? (
                    <select
                      id={`${id}-value`}
                      value={c.value}
                      onChange={(e) => update(i, { value: e.currentTarget.value })}
                    >
                      <option value="">(choose)</option>
                      {values.map((v) => (
                        <option value={v}>{v}</option>
                      ))}
                    </select>
                  ) : (
                    <input
                      id={`${id}-value`}
                      value={c.value}
                      onInput={(e) => update(i, { value: e.currentTarget.value })}
                    />
                  )}
                </div>
              </>
            )}
            {clauses.length > 1 && (
              <button
                type="button"
                class="quiet"
                onClick={() =>
                  p.onChange(
                    fromClauses(
                      join,
                      clauses.filter((_c, j) => j !== i),
                    ),
                  )
                }
              >
                Remove clause {i + 1}
              </button>
            )}
          </div>
        );
      })}
      <button
        type="button"
        class="quiet"
        onClick={() =>
          p.onChange(
            fromClauses(join, [
              ...clauses,
              { kind: 'context', name: 'country', op: 'eq', value: '' },
            ]),
          )
        }
      >
        Add a clause
      </button>
      <button type="button" class="quiet" onClick={() => setJson(JSON.stringify(p.value, null, 2))}>
        Edit as JSON
      </button>
    </fieldset>
  );
}
