/** Caps of the public intake; constants rather than env knobs (see report). */
export const MAX_EVENTS_PER_BATCH = 50;
export const TRACKING_BODY_LIMIT_BYTES = 64 * 1024;
/** Browser clocks drift; beyond this an event's `at` is treated as bogus. */
export const MAX_CLOCK_SKEW_MS = 60 * 60 * 1000;
/** tracker.js sends within seconds; anything older is a replay or a broken clock. */
export const MAX_EVENT_AGE_MS = 7 * 24 * 60 * 60 * 1000;
export const MAX_LOAD_TIME_MS = 120_000;
