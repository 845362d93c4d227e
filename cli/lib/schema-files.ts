/**
 * JSON Schema for every kind of file in content-variants/, generated from the zod schemas the
 * worker and the CLI validate with (zod's z.toJSONSchema), so editors complete and check
 * files as they are typed. Written by `tessera schema`; a test keeps them up to date.
 */
import * as z from '../../shared/schema/zod.ts';
import { Page, SegmentDef, Site, Slot } from '../../shared/schema/bundle.ts';
import { Experiment, Holdout } from '../../shared/schema/experiment.ts';
import { Profile } from '../../shared/schema/profile.ts';

type Json = Record<string, unknown>;

/** Each file may name its schema; strict objects must allow that one extra key. */
function allowSchemaKey(node: Json): Json {
  const branches = (node.oneOf ?? node.anyOf) as Json[] | undefined;
  if (branches) branches.forEach(allowSchemaKey);
  if (node.type === 'object' && node.properties) {
    node.properties = {
      $schema: { type: 'string', description: 'Path to this JSON Schema (for editors).' },
      ...(node.properties as Json),
    };
  }
  return node;
}

const FILES: Record<string, { title: string; schema: z.ZodMiniType }> = {
  'site.schema.json': {
    title: 'Tessera site.json: the bundle format version and site settings',
    schema: z.strictObject({
      schemaVersion: z.literal(1),
      site: Site,
      holdout: z.optional(Holdout),
    }),
  },
  'segments.schema.json': {
    title: 'Tessera segments.json: the audience segments rules may name',
    schema: z.strictObject({ segments: z.array(SegmentDef) }),
  },
  'page.schema.json': {
    title: 'Tessera pages/<id>.json: one page and its slots in order',
    schema: Page,
  },
  'slot.schema.json': {
    title: 'Tessera slots/<id>.json: one slot, its variants and targeting rules',
    schema: Slot,
  },
  'experiment.schema.json': {
    title: 'Tessera experiments/<id>.json: one A/B/n test or bandit on a slot or a page',
    schema: Experiment,
  },
  'profile.schema.json': {
    title: 'Tessera profiles/<id>.json: a sample visitor or customer profile',
    schema: Profile,
  },
};

/** File name → pretty JSON text (with a trailing newline). */
export function schemaFiles(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, { title, schema }] of Object.entries(FILES)) {
    const json = z.toJSONSchema(schema, {
      io: 'input',
      target: 'draft-7',
      unrepresentable: 'any',
    }) as Json;
    out[name] = `${JSON.stringify(allowSchemaKey({ ...json, title }), null, 2)}\n`;
  }
  return out;
}
