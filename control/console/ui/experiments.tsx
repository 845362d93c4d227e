/**
 * Experiments: create an A/B test or a bandit on a slot or a page with a goal (added to the
 * draft, live once published), and open the results of the live ones and of the holdout
 * (./results.tsx).
 */
import { h } from 'preact';
import { useState } from 'preact/hooks';
import type { BundleBody } from '../../../shared/schema/bundle.ts';
import type { Edit } from './content.tsx';
import { Results } from './results.tsx';

type ExperimentT = NonNullable<BundleBody['experiments']>[number];

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function Experiments(p: { body: BundleBody; edit: Edit; live: Set<string> }) {
  // Several results may be open at once, to compare them.
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string) =>
    setOpen((was) => {
      const next = new Set(was);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  const [creating, setCreating] = useState(false);
  const experiments = p.body.experiments ?? [];
  return (
    <section aria-labelledby="experiments-title">
      <h2 id="experiments-title">Experiments</h2>
      {experiments.length === 0 && <p>No experiments yet.</p>}
      {experiments.map((e) => (
        <article class="card" key={e.id} aria-label={`Experiment ${e.id}`}>
          <h3>
            {e.name ?? e.id}{' '}
            <span class="badge">{e.type === 'bandit' ? 'bandit' : 'A/B test'}</span>
          </h3>
          <p class="muted">
            On {'slot' in e.scope ? `slot ${e.scope.slot}` : `page ${e.scope.page}`} · arms{' '}
            {e.arms.map((a) => a.id).join(', ')} · goal {e.goal.event}
            {p.live.has(e.id) ? '' : ' · not live yet (publish the draft)'}
          </p>
          {p.live.has(e.id) && (
            <button
              type="button"
              class="quiet"
              aria-expanded={open.has(e.id)}
              onClick={() => toggle(e.id)}
            >
              {open.has(e.id) ? 'Hide results' : 'Show results'}
            </button>
          )}
          {open.has(e.id) && <Results id={e.id} type={e.type} />}
        </article>
      ))}
      {p.body.holdout && (
        <article class="card" aria-label="Holdout">
          <h3>Holdout</h3>
          <p class="muted">
            {pct(p.body.holdout.share)} of visitors see default content, to measure what
            personalization adds.
          </p>
          <button
            type="button"
            class="quiet"
            aria-expanded={open.has('holdout')}
            onClick={() => toggle('holdout')}
          >
            {open.has('holdout') ? 'Hide results' : 'Show results'}
          </button>
          {open.has('holdout') && <Results id="holdout" type="holdout" />}
        </article>
      )}
      {creating ? (
        <NewExperiment body={p.body} edit={p.edit} done={() => setCreating(false)} />
      ) : (
        <button type="button" onClick={() => setCreating(true)}>
          New experiment
        </button>
      )}
    </section>
  );
}

function NewExperiment(p: { body: BundleBody; edit: Edit; done: () => void }) {
  const [id, setId] = useState('');
  const [type, setType] = useState<'ab' | 'bandit'>('ab');
  const [scope, setScope] = useState<'slot' | 'page'>('slot');
  const [target, setTarget] = useState(p.body.slots[0]?.id ?? '');
  const [arms, setArms] = useState<string[]>([]);
  const [goal, setGoal] = useState('click');
  const slot = p.body.slots.find((s) => s.id === target);
  const page = p.body.pages.find((pg) => pg.id === target);
  const taken = (p.body.experiments ?? []).some((e) => e.id === id);
  const valid = /^[a-z0-9][a-z0-9-]{0,63}$/.test(id) && !taken && arms.length >= 2;
  return (
    <form
      class="card editor"
      aria-label="New experiment"
      onSubmit={(e) => {
        e.preventDefault();
        if (!valid) return;
        const experiment = {
          id,
          name: id,
          type,
          scope: scope === 'slot' ? { slot: target } : { page: target },
          arms: arms.map((a) =>
            scope === 'slot'
              ? { id: a, variant: a, weight: 1 }
              : {
                  id: a,
                  weight: 1,
                  variants: Object.fromEntries((page?.slots ?? []).map((s) => [s, a])),
                },
          ),
          traffic: 1,
          goal: { event: goal },
          windowHours: 24,
        } as unknown as ExperimentT;
        p.edit((b) => {
          (b.experiments ??= []).push(experiment);
        });
        p.done();
      }}
    >
      <h3>New experiment</h3>
      <div class="field">
        <label for="ex-id">Id</label>
        <input
          id="ex-id"
          value={id}
          onInput={(e) => setId(e.currentTarget.value.trim())}
          aria-invalid={taken ? 'true' : undefined}
        />
        {taken && <p class="field-error">an experiment with this id exists</p>}
      </div>
      <div class="field">
        <label for="ex-type">Kind</label>
        <select
          id="ex-type"
          value={type}
          onChange={(e) => setType(e.currentTarget.value as 'ab' | 'bandit')}
        >
          <option value="ab">A/B test (fixed split)</option>
          <option value="bandit">Bandit (shifts traffic to the winner)</option>
        </select>
      </div>
      <div class="field">
        <label for="ex-scope">On</label>
        <select
          id="ex-scope"
          value={scope}
          onChange={(e) => {
            const s = e.currentTarget.value as 'slot' | 'page';
            setScope(s);
            setTarget(s === 'slot' ? (p.body.slots[0]?.id ?? '') : (p.body.pages[0]?.id ?? ''));
            setArms([]);
          }}
        >
          <option value="slot">a slot</option>
          <option value="page">a page</option>
        </select>
      </div>
      <div class="field">
        <label for="ex-target">{scope === 'slot' ? 'Slot' : 'Page'}</label>
        <select
          id="ex-target"
          value={target}
          onChange={(e) => {
            setTarget(e.currentTarget.value);
            setArms([]);
          }}
        >
          {(scope === 'slot' ? p.body.slots : p.body.pages).map((x) => (
            <option value={x.id}>{x.id}</option>
          ))}
        </select>
      </div>
      {scope === 'slot' && slot && (
        <fieldset class="group">
          <legend>Arms (pick two or more variants)</legend>
          {slot.variants.map((v) => (
            <div class="field check" key={v.id}>
              <input
                id={`ex-arm-${v.id}`}
                type="checkbox"
                checked={arms.includes(v.id)}
                onChange={(e) =>
                  setArms(
                    e.currentTarget.checked ? [...arms, v.id] : arms.filter((a) => a !== v.id),
                  )
                }
              />
              <label for={`ex-arm-${v.id}`}>{v.name ?? v.id}</label>
            </div>
          ))}
        </fieldset>
      )}
      {scope === 'page' && (
        <div class="field">
          <label for="ex-arms">
            Arms (variant ids shared by the page's slots, comma separated)
          </label>
          <input
            id="ex-arms"
            value={arms.join(', ')}
            onInput={(e) =>
              setArms(
                e.currentTarget.value
                  .split(',')
                  .map((s) => s.trim())
                  .filter(Boolean),
              )
            }
          />
        </div>
      )}
      <div class="field">
        <label for="ex-goal">Goal</label>
        <select id="ex-goal" value={goal} onChange={(e) => setGoal(e.currentTarget.value)}>
          <option value="click">a click on the slot</option>
          <option value="add_to_cart">add to cart</option>
          <option value="purchase">a purchase</option>
        </select>
      </div>
      <button type="submit" disabled={!valid}>
        Add to draft
      </button>
      <button type="button" class="quiet" onClick={p.done}>
        Cancel
      </button>
    </form>
  );
}
