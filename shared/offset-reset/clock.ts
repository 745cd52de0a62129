import type { Clock } from './types.ts';

/** The real clock: `Date.now` and `setTimeout`. Tests pass a fake that advances instantly. */
export const systemClock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };
