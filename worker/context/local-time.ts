/**
 * The visitor's local hour and weekday, from the request time and `cf.timezone`, computed at the
 * edge so `decide` stays a pure function of its inputs. Formatters are built once per time zone
 * per isolate; a zone Intl does not know gives no local time (never an error). The answer is kept
 * per zone for the UTC minute it was computed in — every zone's offset is a whole number of
 * minutes, so local hour and weekday cannot change within one — instead of formatting per request.
 */
import { WEEKDAYS } from '../../shared/schema/context-signals.ts';

export type Weekday = (typeof WEEKDAYS)[number];
export interface LocalTime {
  hour: number;
  weekday: Weekday;
}

/** IANA names: letters, digits, `_ + - /`; `Etc/GMT+5` and `America/Argentina/Buenos_Aires` pass. */
const ZONE = /^[A-Za-z][A-Za-z0-9_+-]{0,30}(\/[A-Za-z0-9_+-]{1,30}){0,2}$/;
const MAX_ZONES = 600;
const formatters = new Map<string, Intl.DateTimeFormat | null>();

const SHORT_DAYS: Record<string, Weekday> = {
  Mon: 'mon',
  Tue: 'tue',
  Wed: 'wed',
  Thu: 'thu',
  Fri: 'fri',
  Sat: 'sat',
  Sun: 'sun',
};

function formatterFor(zone: string): Intl.DateTimeFormat | null {
  const known = formatters.get(zone);
  if (known !== undefined) return known;
  let f: Intl.DateTimeFormat | null = null;
  try {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hour: 'numeric',
      hourCycle: 'h23',
      weekday: 'short',
    });
  } catch {
    f = null; // RangeError: not a zone this runtime knows
  }
  if (formatters.size < MAX_ZONES) formatters.set(zone, f);
  return f;
}

/** A usable IANA zone name, or undefined. */
export function validZone(raw: unknown): string | undefined {
  return typeof raw === 'string' && ZONE.test(raw) && formatterFor(raw) ? raw : undefined;
}

const lastByZone = new Map<string, { minute: number; time: LocalTime | undefined }>();

export function localTime(nowMs: number, zone: string | undefined): LocalTime | undefined {
  if (zone === undefined || !Number.isFinite(nowMs)) return undefined;
  const minute = Math.floor(nowMs / 60_000);
  const last = lastByZone.get(zone);
  if (last?.minute === minute) return last.time;
  const time = formatLocalTime(nowMs, zone);
  if (last || lastByZone.size < MAX_ZONES) lastByZone.set(zone, { minute, time });
  return time;
}

function formatLocalTime(nowMs: number, zone: string): LocalTime | undefined {
  const f = formatterFor(zone);
  if (!f) return undefined;
  let hour: number | undefined;
  let weekday: Weekday | undefined;
  for (const part of f.formatToParts(nowMs)) {
    if (part.type === 'hour') hour = Number(part.value) % 24;
    else if (part.type === 'weekday') weekday = SHORT_DAYS[part.value];
  }
  return hour !== undefined && Number.isInteger(hour) && weekday ? { hour, weekday } : undefined;
}
