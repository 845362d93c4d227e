/**
 * The maturity matrix's thresholds — the one table docs/maturity.md prints. Each dimension of the
 * matrix (seed article 004: data, execution, decision logic, measurement, customer experience)
 * reaches stage 2 (contextual) when every stage-2 check passes, and stage 3 (adaptive) when it is
 * at stage 2 and every stage-3 check passes: one level at a time. A check compares one figure of
 * the evidence (./evidence.ts) with one number here.
 */
export const DIMENSIONS = [
  'data',
  'execution',
  'decisionLogic',
  'measurement',
  'experience',
] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const DIMENSION_NAMES: Record<Dimension, string> = {
  data: 'Data',
  execution: 'Execution',
  decisionLogic: 'Decision logic',
  measurement: 'Measurement',
  experience: 'Customer experience',
};

/** The matrix's words for each stage, per dimension. */
export const STAGE_NAMES: Record<Dimension, [string, string, string]> = {
  data: ['static attributes', 'behavioural signals', 'unified, real-time'],
  execution: ['channel-specific', 'journey-aware', 'cross-channel orchestration'],
  decisionLogic: ['rules-based', 'segment-driven', 'AI-assisted'],
  measurement: ['engagement metrics', 'funnel progression', 'customer value'],
  experience: ['inconsistent', 'relevant', 'predictive and seamless'],
};

/** The figures a check can read (computed by ./assess.ts from the evidence). */
export type Figure =
  | 'profiledShare'
  | 'freshShare'
  | 'customerShare'
  | 'pagesPersonalized'
  | 'activeChannels'
  | 'segmentShare'
  | 'individualShare'
  | 'banditExposures'
  | 'nonClickGoals'
  | 'funnelEvents'
  | 'holdoutExposures'
  | 'purchasesWithValue'
  | 'degradedShare'
  | 'fallbackShare'
  | 'personalizedShare';

export interface Check {
  figure: Figure;
  op: '>=' | '<';
  value: number;
  /** What the check means, for the evidence list. */
  label: string;
  /** What to do when it fails: the next step a team can take. */
  action: string;
}

export interface Threshold {
  dimension: Dimension;
  stage: 2 | 3;
  /** All must pass; `anyOf` groups pass when one of them does. */
  all: Check[];
  anyOf?: Check[];
}

export const THRESHOLDS: readonly Threshold[] = [
  {
    dimension: 'data',
    stage: 2,
    all: [
      {
        figure: 'profiledShare',
        op: '>=',
        value: 0.2,
        label: 'decisions with a profile',
        action:
          'install the tracker on every page so returning visitors get a behavioural profile (at least 20 % of decisions)',
      },
      {
        figure: 'freshShare',
        op: '>=',
        value: 0.1,
        label: 'decisions whose visitor sent an event in the 24 h before',
        action:
          'send page views, add-to-carts and purchases as they happen (tessera.track) so profiles are fresh (at least 10 % of decisions)',
      },
    ],
  },
  {
    dimension: 'data',
    stage: 3,
    all: [
      {
        figure: 'customerShare',
        op: '>=',
        value: 0.2,
        label: 'decisions for a known customer (stitched identity)',
        action:
          'mint visitor cookies with the customer id at login so anonymous and known behaviour are unified (at least 20 % of decisions)',
      },
      {
        figure: 'freshShare',
        op: '>=',
        value: 0.3,
        label: 'decisions whose visitor sent an event in the 24 h before',
        action:
          'stream events from every channel in real time (at least 30 % of decisions on fresh data)',
      },
    ],
  },
  {
    dimension: 'execution',
    stage: 2,
    all: [
      {
        figure: 'pagesPersonalized',
        op: '>=',
        value: 3,
        label: 'pages with a personalized (non-default) slot',
        action:
          'personalize slots along the journey — landing, category and product pages (at least 3 pages)',
      },
    ],
  },
  {
    dimension: 'execution',
    stage: 3,
    all: [
      {
        figure: 'activeChannels',
        op: '>=',
        value: 2,
        label: 'channels with at least 1 % of decisions',
        action:
          'use the decision API for a second channel (app, email, server) so one visitor gets one orchestrated experience',
      },
    ],
  },
  {
    dimension: 'decisionLogic',
    stage: 2,
    all: [
      {
        figure: 'segmentShare',
        op: '>=',
        value: 0.2,
        label: 'slot decisions made by a segment rule',
        action:
          'define segments and target rules at them (segment rules deciding at least 20 % of slots)',
      },
    ],
  },
  {
    dimension: 'decisionLogic',
    stage: 3,
    all: [],
    anyOf: [
      {
        figure: 'individualShare',
        op: '>=',
        value: 0.1,
        label: 'slot decisions made individually (next-best offer, affinity)',
        action:
          'tag variants with categories and feed next-best offers so individual decisions take at least 10 % of slots',
      },
      {
        figure: 'banditExposures',
        op: '>=',
        value: 100,
        label: 'exposures to a bandit (learning allocation)',
        action: 'or let a bandit learn the best variant of a slot (at least 100 exposures)',
      },
    ],
  },
  {
    dimension: 'measurement',
    stage: 2,
    all: [
      {
        figure: 'nonClickGoals',
        op: '>=',
        value: 1,
        label: 'experiments or holdout measuring more than clicks',
        action:
          'give an experiment or the holdout a funnel goal (add_to_cart, purchase or a custom event) instead of clicks',
      },
      {
        figure: 'funnelEvents',
        op: '>=',
        value: 100,
        label: 'add-to-cart and purchase events',
        action: 'send add-to-cart and purchase events (at least 100 in 30 days)',
      },
    ],
  },
  {
    dimension: 'measurement',
    stage: 3,
    all: [
      {
        figure: 'holdoutExposures',
        op: '>=',
        value: 1000,
        label: 'holdout exposures (personalization measured as a whole)',
        action:
          'run a holdout (holdout.share, e.g. 0.05) to measure what personalization adds (at least 1,000 exposures)',
      },
      {
        figure: 'purchasesWithValue',
        op: '>=',
        value: 100,
        label: 'purchases with a value (revenue measured)',
        action:
          'send purchase events with value and currency so revenue and ROI are measured (at least 100 in 30 days)',
      },
    ],
  },
  {
    dimension: 'experience',
    stage: 2,
    all: [
      {
        figure: 'degradedShare',
        op: '<',
        value: 0.05,
        label: 'decisions degraded by a timeout or error',
        action:
          'fix what degrades renders (timeouts, invalid profiles, render errors — see the reason codes) to under 5 %',
      },
      {
        figure: 'personalizedShare',
        op: '>=',
        value: 0.3,
        label: 'slots showing something other than the default',
        action:
          'add rules or variants so at least 30 % of slots show a relevant variant rather than the default',
      },
    ],
  },
  {
    dimension: 'experience',
    stage: 3,
    all: [
      {
        figure: 'degradedShare',
        op: '<',
        value: 0.01,
        label: 'decisions degraded by a timeout or error',
        action: 'bring degraded renders under 1 %',
      },
      {
        figure: 'fallbackShare',
        op: '<',
        value: 0.05,
        label: 'slots that fell down the ladder for missing or invalid data',
        action:
          'fix the data that makes slots fall back (fallback causes in the decision log) to under 5 %',
      },
      {
        figure: 'personalizedShare',
        op: '>=',
        value: 0.6,
        label: 'slots showing something other than the default',
        action: 'personalize at least 60 % of slots',
      },
    ],
  },
];
