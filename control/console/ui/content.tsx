/**
 * Pages, slots, variants, rules and segments: what a marketer edits. Everything works on the
 * draft's body in memory (the app saves it); variants and rules are named by id, never by index.
 */
import { Fragment, h } from 'preact';
import { useState } from 'preact/hooks';
import slotSchema from '../../../content-variants/schema/slot.schema.json';
import type { BundleBody } from '../../../shared/schema/bundle.ts';
import type { Condition } from '../../../shared/schema/condition.ts';
import { ConditionBuilder } from './condition-builder.tsx';
import { readable, ruleText, type Named } from './describe.ts';
import { Field, emptyValue, humanize, type JsonSchema } from './schema-form.tsx';

type Body = BundleBody;
type SlotT = Body['slots'][number];
type VariantT = SlotT['variants'][number];
type RuleT = NonNullable<SlotT['rules']>[number];

export type Edit = (change: (body: Body) => void) => void;

const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** The JSON Schema of one component's variant (from slot.schema.json's branch for it). */
function variantSchema(component: string): JsonSchema {
  const branches = (slotSchema as unknown as { oneOf: JsonSchema[] }).oneOf;
  const branch = branches.find((b) => b.properties?.component?.const === component);
  const items = branch?.properties?.variants?.items;
  return (Array.isArray(items) ? items[0] : items) ?? {};
}

export const segmentsOf = (body: Body): Named[] =>
  body.segments.map((s) => ({ id: s.id, name: s.name }));

export function Overview(p: { body: Body; open: (slot: string) => void }) {
  const segments = segmentsOf(p.body);
  return (
    <section aria-labelledby="overview-title">
      <h2 id="overview-title">Pages and slots</h2>
      {p.body.pages.map((page) => (
        <article class="card" key={page.id}>
          <h3>
            {page.title ?? page.id} <span class="muted">{page.path}</span>
          </h3>
          <ul class="plain">
            {page.slots.map((slotId) => {
              const slot = p.body.slots.find((s) => s.id === slotId);
              if (!slot) return <li>{slotId} (missing)</li>;
              const def = slot.variants.find((v) => v.id === slot.default);
              return (
                <li key={slotId}>
                  <button type="button" class="link" onClick={() => p.open(slotId)}>
                    {humanize(slotId)}
                  </button>{' '}
                  <span class="muted">
                    {slot.variants.length} variants · default {def?.name ?? slot.default}
                  </span>
                  <ul class="rules">
                    {(slot.rules ?? []).map((r) => {
                      const t = ruleText(r, slot.variants, segments);
                      return (
                        <li key={r.id}>
                          {t.who} see <em>{t.what}</em>
                        </li>
                      );
                    })}
                  </ul>
                </li>
              );
            })}
          </ul>
        </article>
      ))}
    </section>
  );
}

export function SlotEditor(p: {
  body: Body;
  slotId: string;
  edit: Edit;
  errors: ReadonlyMap<string, string>;
}) {
  const index = p.body.slots.findIndex((s) => s.id === p.slotId);
  const slot = p.body.slots[index];
  const [variantId, setVariantId] = useState<string | undefined>(slot?.default);
  const [newId, setNewId] = useState('');
  const [showJson, setShowJson] = useState(false);
  const [jsonText, setJsonText] = useState('');
  const [jsonError, setJsonError] = useState('');
  if (!slot) return <p>No slot “{p.slotId}” in this draft.</p>;
  const segments = segmentsOf(p.body);
  const editSlot = (change: (s: SlotT) => void) =>
    p.edit((b) => {
      const s = b.slots.find((x) => x.id === slot.id);
      if (s) change(s);
    });
  const vIndex = slot.variants.findIndex((v) => v.id === variantId);
  const variant = slot.variants[vIndex];
  const base = `slots.${index}`;
  const newIdProblem =
    newId && !ID.test(newId)
      ? 'lowercase letters, digits and dashes'
      : slot.variants.some((v) => v.id === newId)
        ? 'a variant with this id exists'
        : '';

  return (
    <section aria-labelledby="slot-title">
      <h2 id="slot-title">
        {humanize(slot.id)} <span class="muted">({slot.component})</span>
      </h2>
      {slot.description && <p class="muted">{slot.description}</p>}

      <h3>Variants</h3>
      <ul class="variants plain" aria-label="Variants">
        {slot.variants.map((v) => (
          <li key={v.id}>
            <button
              type="button"
              class={v.id === variantId ? 'tab selected' : 'tab'}
              aria-pressed={v.id === variantId}
              onClick={() => setVariantId(v.id)}
            >
              {v.name ?? v.id}
            </button>
            {v.id === slot.default && <span class="badge">default</span>}
          </li>
        ))}
      </ul>
      <div class="add-row">
        <div class="field">
          <label for="new-variant-id">New variant id</label>
          <input
            id="new-variant-id"
            value={newId}
            placeholder="hero-spring"
            aria-invalid={newIdProblem ? 'true' : undefined}
            onInput={(e) => setNewId(e.currentTarget.value.trim())}
          />
          {newIdProblem && <p class="field-error">{newIdProblem}</p>}
        </div>
        <button
          type="button"
          disabled={!newId || !!newIdProblem}
          onClick={() => {
            const from = slot.variants.find((v) => v.id === slot.default) ?? slot.variants[0];
            editSlot((s) => {
              (s.variants as VariantT[]).push({
                ...(structuredClone(from) as VariantT),
                id: newId,
                name: humanize(newId),
              });
            });
            setVariantId(newId);
            setNewId('');
          }}
        >
          Add variant
        </button>
      </div>

      {variant && (
        <VariantEditor
          key={variant.id}
          variant={variant}
          component={slot.component}
          path={`${base}.variants.${vIndex}`}
          errors={p.errors}
          isDefault={variant.id === slot.default}
          onChange={(next) =>
            editSlot((s) => {
              const i = s.variants.findIndex((v) => v.id === variant.id);
              if (i >= 0) (s.variants as VariantT[])[i] = next;
            })
          }
          makeDefault={() => editSlot((s) => void (s.default = variant.id))}
          remove={() => {
            editSlot((s) => {
              (s as { variants: VariantT[] }).variants = s.variants.filter(
                (v) => v.id !== variant.id,
              );
            });
            setVariantId(slot.default);
          }}
        />
      )}

      <h3>Rules</h3>
      <p class="muted">
        Checked in order; the first that matches decides. Otherwise the default shows.
      </p>
      <ol class="rule-list">
        {(slot.rules ?? []).map((rule, i) => (
          <RuleEditor
            key={rule.id}
            rule={rule}
            index={i}
            count={slot.rules?.length ?? 0}
            slot={slot}
            segments={segments}
            path={`${base}.rules.${i}`}
            errors={p.errors}
            onChange={(next) =>
              editSlot((s) => {
                const j = (s.rules ?? []).findIndex((r) => r.id === rule.id);
                if (j >= 0 && s.rules) s.rules[j] = next;
              })
            }
            move={(by) =>
              editSlot((s) => {
                const rules = s.rules ?? [];
                const j = rules.findIndex((r) => r.id === rule.id);
                const [r] = rules.splice(j, 1);
                rules.splice(Math.max(0, Math.min(rules.length, j + by)), 0, r!);
              })
            }
            remove={() =>
              editSlot((s) => {
                s.rules = (s.rules ?? []).filter((r) => r.id !== rule.id);
              })
            }
          />
        ))}
      </ol>
      <button
        type="button"
        onClick={() =>
          editSlot((s) => {
            const rules = (s.rules ??= []);
            let n = rules.length + 1;
            while (rules.some((r) => r.id === `rule-${n}`)) n++;
            rules.push({
              id: `rule-${n}`,
              when: segments[0]
                ? { segment: segments[0].id }
                : { field: 'context.country', op: 'eq', value: 'DE' },
              variant: variantId ?? s.default,
            } as RuleT);
          })
        }
      >
        Add rule
      </button>

      <h3>JSON</h3>
      <button
        type="button"
        class="quiet"
        aria-expanded={showJson}
        onClick={() => {
          setShowJson(!showJson);
          setJsonText(JSON.stringify(slot, null, 2));
          setJsonError('');
        }}
      >
        {showJson ? 'Hide JSON' : 'Show this slot as JSON'}
      </button>
      {showJson && (
        <div class="field">
          <label for="slot-json">Slot JSON</label>
          <textarea
            id="slot-json"
            rows={16}
            value={jsonText}
            onInput={(e) => setJsonText(e.currentTarget.value)}
          />
          {jsonError && <p class="field-error">{jsonError}</p>}
          <button
            type="button"
            onClick={() => {
              try {
                const next = JSON.parse(jsonText) as SlotT;
                p.edit((b) => {
                  const i = b.slots.findIndex((s) => s.id === slot.id);
                  if (i >= 0) b.slots[i] = next;
                });
                setJsonError('');
              } catch (err) {
                setJsonError(`not JSON: ${(err as Error).message}`);
              }
            }}
          >
            Apply JSON
          </button>
        </div>
      )}
    </section>
  );
}

function VariantEditor(p: {
  variant: VariantT;
  component: string;
  path: string;
  errors: ReadonlyMap<string, string>;
  isDefault: boolean;
  onChange: (v: VariantT) => void;
  makeDefault: () => void;
  remove: () => void;
}) {
  const schema = variantSchema(p.component);
  const props = schema.properties?.props ?? {};
  return (
    <div class="card editor" aria-label={`Variant ${p.variant.id}`}>
      <h4>
        Variant <code>{p.variant.id}</code>
      </h4>
      <Field
        schema={{ type: 'string', maxLength: 120 }}
        value={p.variant.name}
        path={`${p.path}.name`}
        label="Name"
        errors={p.errors}
        onChange={(name) => p.onChange({ ...p.variant, name: name as string })}
      />
      <Field
        schema={props}
        value={p.variant.props}
        path={`${p.path}.props`}
        label="Content"
        errors={p.errors}
        required
        onChange={(next) => p.onChange({ ...p.variant, props: next } as VariantT)}
      />
      <div class="actions">
        {!p.isDefault && (
          <>
            <button type="button" class="quiet" onClick={p.makeDefault}>
              Make default
            </button>
            <button type="button" class="quiet danger" onClick={p.remove}>
              Delete variant
            </button>
          </>
        )}
      </div>
    </div>
  );
}

function RuleEditor(p: {
  rule: RuleT;
  index: number;
  count: number;
  slot: SlotT;
  segments: Named[];
  path: string;
  errors: ReadonlyMap<string, string>;
  onChange: (r: RuleT) => void;
  move: (by: number) => void;
  remove: () => void;
}) {
  const t = ruleText(p.rule, p.slot.variants, p.segments);
  const id = `rule-${p.rule.id}`;
  return (
    <li class="card rule" aria-label={`Rule ${p.rule.id}`}>
      <p class="plain-rule">
        {t.who} see <em>{readable(t.what)}</em>
      </p>
      <ConditionBuilder
        value={p.rule.when as Condition}
        segments={p.segments}
        idPrefix={id}
        onChange={(when) => p.onChange({ ...p.rule, when } as RuleT)}
      />
      <div class="field">
        <label for={`${id}-variant`}>See variant</label>
        <select
          id={`${id}-variant`}
          value={p.rule.variant}
          onChange={(e) => p.onChange({ ...p.rule, variant: e.currentTarget.value })}
        >
          {p.slot.variants.map((v) => (
            <option value={v.id}>{v.name ?? v.id}</option>
          ))}
        </select>
        {p.errors.get(`${p.path}.variant`) && (
          <p class="field-error">{p.errors.get(`${p.path}.variant`)}</p>
        )}
        {p.errors.get(`${p.path}.when`) && (
          <p class="field-error">{p.errors.get(`${p.path}.when`)}</p>
        )}
      </div>
      <div class="actions">
        <button type="button" class="quiet" disabled={p.index === 0} onClick={() => p.move(-1)}>
          Move up
        </button>
        <button
          type="button"
          class="quiet"
          disabled={p.index === p.count - 1}
          onClick={() => p.move(1)}
        >
          Move down
        </button>
        <button type="button" class="quiet danger" onClick={p.remove}>
          Delete rule {p.rule.id}
        </button>
      </div>
    </li>
  );
}

export function SegmentEditor(p: { body: Body; edit: Edit; errors: ReadonlyMap<string, string> }) {
  const [newId, setNewId] = useState('');
  const segments = segmentsOf(p.body);
  return (
    <section aria-labelledby="segments-title">
      <h2 id="segments-title">Segments</h2>
      <p class="muted">
        A segment is either computed by your data pipeline (stored on each profile) or defined here
        from other conditions.
      </p>
      {p.body.segments.map((s, i) => (
        <article class="card" key={s.id} aria-label={`Segment ${s.id}`}>
          <h3>
            {s.name} <code>{s.id}</code>
          </h3>
          <Field
            schema={{ type: 'string', maxLength: 120 }}
            value={s.name}
            path={`segments.${i}.name`}
            label="Name"
            required
            errors={p.errors}
            onChange={(name) =>
              p.edit((b) => {
                const x = b.segments.find((y) => y.id === s.id);
                if (x) x.name = (name as string) ?? '';
              })
            }
          />
          {'when' in s ? (
            <ConditionBuilder
              value={s.when as Condition}
              segments={segments.filter((x) => x.id !== s.id)}
              idPrefix={`segment-${s.id}`}
              onChange={(when) =>
                p.edit((b) => {
                  const x = b.segments.find((y) => y.id === s.id);
                  if (x && 'when' in x) x.when = when;
                })
              }
            />
          ) : (
            <p class="muted">Computed by your data pipeline (profiles list their segments).</p>
          )}
        </article>
      ))}
      <div class="add-row">
        <div class="field">
          <label for="new-segment-id">New segment id</label>
          <input
            id="new-segment-id"
            value={newId}
            onInput={(e) => setNewId(e.currentTarget.value.trim())}
          />
        </div>
        <button
          type="button"
          disabled={!ID.test(newId) || p.body.segments.some((s) => s.id === newId)}
          onClick={() => {
            p.edit((b) => {
              b.segments.push({
                id: newId,
                name: humanize(newId),
                when: { field: 'context.country', op: 'eq', value: 'DE' },
              } as Body['segments'][number]);
            });
            setNewId('');
          }}
        >
          Add segment
        </button>
      </div>
    </section>
  );
}

export { emptyValue };
