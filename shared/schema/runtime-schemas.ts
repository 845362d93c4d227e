/**
 * The zod schemas the visitor worker validates with at runtime, by the name their generated
 * validator has in validators.gen.ts (`npm run build:validators`). The worker imports the
 * validators, never these: this module is for the generator and the equivalence tests.
 */
import { BanditSnapshot } from './bandit.ts';
import { AdminClaims, ArmsClaims, PreviewClaims, Scope, VisitorClaims } from '../auth/claims.ts';
import { Pointer } from './bundle.ts';
import { KeyMap, KvDeadlineMs, PointerTtlMs } from '../config-schema.ts';
import {
  AnnouncementBarProps,
  CtaBannerProps,
  HeroProps,
  ProductGridProps,
  TestimonialProps,
} from './components.ts';
import { ConsentLevel, SiteConsent } from './consent.ts';
import { EventBatch } from './events.ts';
import { DecisionBatchRequest, DecisionRequest, ServerEventsRequest } from './decision-api.ts';
import { Profile } from './profile.ts';

export const RUNTIME_SCHEMAS = {
  /** The configuration (shared/config.ts). */
  KeyMap,
  KvDeadlineMs,
  PointerTtlMs,
  /** Token payloads (shared/auth/*-token.ts). */
  VisitorClaims,
  AdminClaims,
  Scope,
  PreviewClaims,
  ArmsClaims,
  /** `pointer:live` (shared/data/bundle-store.ts). */
  Pointer,
  /** The profile gate (worker/data/profile-store.ts). */
  Profile,
  /** `bandit:snapshot` (worker/data/bandit-store.ts). */
  BanditSnapshot,
  /** `POST /events` (worker/routes/events.ts). */
  EventBatch,
  /** The decision API's bodies (worker/routes/decisions.ts). */
  DecisionRequest,
  DecisionBatchRequest,
  ServerEventsRequest,
  /** The consent cookie and header (worker/privacy/consent.ts). */
  ConsentLevel,
  /** `site.consent`'s defaults when a bundle leaves it out (worker/privacy/consent.ts). */
  SiteConsent,
  /** Each variant's props in a stored bundle (shared/bundle/salvage.ts). */
  HeroProps,
  ProductGridProps,
  TestimonialProps,
  CtaBannerProps,
  AnnouncementBarProps,
} as const;
