import { registerEnumType } from 'type-graphql';
import { badInput } from '../shared/errors';

/** The popularity windows the API offers; each ends now. */
export enum PopularityWindow {
  LAST_24_HOURS = 'LAST_24_HOURS',
  LAST_7_DAYS = 'LAST_7_DAYS',
  LAST_30_DAYS = 'LAST_30_DAYS',
}

registerEnumType(PopularityWindow, { name: 'PopularityWindow', description: 'A time window ending now; views exactly as old as the window are out.' });

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const WINDOW_MS: Record<PopularityWindow, number> = {
  [PopularityWindow.LAST_24_HOURS]: DAY_MS,
  [PopularityWindow.LAST_7_DAYS]: 7 * DAY_MS,
  [PopularityWindow.LAST_30_DAYS]: 30 * DAY_MS,
};

/**
 * How a window is counted exactly from three tiers (all UTC):
 *   raw events   [start, firstFullHour)        the part of the first hour that is inside the window
 *   hourly       [firstFullHour, firstFullDay) and [today, now]
 *   daily        [firstFullDay, today)
 * When the window does not reach a whole day, the daily tier is empty and the hourly tier is everything from
 * firstFullHour on. A view exactly `window` old is out; one a millisecond younger is in.
 */
export interface WindowBounds {
  start: Date;
  firstFullHour: Date;
  firstFullDay: Date;
  today: Date;
}

export function windowBounds(window: PopularityWindow, now: Date): WindowBounds {
  const start = windowStart(window, now);
  const firstFullHour = ceilTo(start, HOUR_MS);
  return { start, firstFullHour, firstFullDay: ceilTo(firstFullHour, DAY_MS), today: floorTo(now, DAY_MS) };
}

/** The first instant inside the window: one millisecond after `now - window`, so a view exactly that old is out. */
export function windowStart(window: PopularityWindow, now: Date): Date {
  return new Date(now.getTime() - WINDOW_MS[window] + 1);
}

export function startOfHour(date: Date): Date {
  return floorTo(date, HOUR_MS);
}

export function windowLengthMs(window: PopularityWindow): number {
  return WINDOW_MS[window];
}

/** The window's length as an SQL interval literal. */
export function windowLengthSql(window: PopularityWindow): string {
  return `${WINDOW_MS[window] / 1000} seconds`;
}

/** A VALUES list of every window and its length, as "w" ("window", "length"), for statements that handle them all. */
export const WINDOW_LENGTHS_SQL = `(VALUES ${Object.values(PopularityWindow)
  .map((window) => `('${window}', interval '${windowLengthSql(window)}')`)
  .join(', ')}) AS "w" ("window", "length")`;

function floorTo(date: Date, unitMs: number): Date {
  return new Date(Math.floor(date.getTime() / unitMs) * unitMs);
}

function ceilTo(date: Date, unitMs: number): Date {
  return new Date(Math.ceil(date.getTime() / unitMs) * unitMs);
}

/** Series buckets; weeks start on Monday, everything in UTC. */
export enum SeriesBucket {
  HOUR = 'HOUR',
  DAY = 'DAY',
  WEEK = 'WEEK',
}

registerEnumType(SeriesBucket, { name: 'SeriesBucket', description: 'The width of a series point, in UTC. Weeks start on Monday.' });

export const MAX_SERIES_DAYS = 366;
export const MAX_SERIES_POINTS = 2_000;

/** The start of the bucket holding `date`. */
export function bucketStart(date: Date, bucket: SeriesBucket): Date {
  if (bucket === SeriesBucket.HOUR) return floorTo(date, HOUR_MS);
  const day = floorTo(date, DAY_MS);
  if (bucket === SeriesBucket.DAY) return day;
  const daysSinceMonday = (day.getUTCDay() + 6) % 7;
  return new Date(day.getTime() - daysSinceMonday * DAY_MS);
}

/** The start of the bucket after the one starting at `start`. */
export function nextBucket(start: Date, bucket: SeriesBucket): Date {
  return new Date(start.getTime() + (bucket === SeriesBucket.HOUR ? HOUR_MS : bucket === SeriesBucket.DAY ? DAY_MS : 7 * DAY_MS));
}

/**
 * The buckets of a series over [from, to): from the bucket holding `from` to the last one starting before `to`.
 * BAD_USER_INPUT when the range is empty, longer than 366 days, or more than 2,000 points.
 */
export function seriesBuckets(from: Date, to: Date, bucket: SeriesBucket): Date[] {
  if (to.getTime() <= from.getTime()) throw badInput('"to" must be after "from".', 'to');
  if (to.getTime() - from.getTime() > MAX_SERIES_DAYS * DAY_MS) throw badInput(`A series covers at most ${MAX_SERIES_DAYS} days.`, 'to');
  const buckets: Date[] = [];
  for (let start = bucketStart(from, bucket); start.getTime() < to.getTime(); start = nextBucket(start, bucket)) {
    if (buckets.length === MAX_SERIES_POINTS) {
      throw badInput(`A series has at most ${MAX_SERIES_POINTS} points; use a wider bucket or a shorter range.`, 'bucket');
    }
    buckets.push(start);
  }
  return buckets;
}

/** YYYY-MM-DD of a UTC midnight, for date columns. */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}
