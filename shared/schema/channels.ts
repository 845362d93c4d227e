/** Channels as values (no zod here: the visitor worker records them per request). The schema is in channel.ts. */
import type { Channel } from './channel.ts';

export const BUILT_IN_CHANNELS = ['web', 'app', 'email', 'server'] as const;

/** Pages and the browser tracker. */
export const WEB: Channel = 'web';
