/** Numbers and times for people, with d3's formatters (d3-format, d3-time, d3-time-format). */
import { format, utcFormat, utcHour } from 'd3';

const si = format('.3~s');
const whole = format(',.0f');
const oneDecimal = format('.1~f');
const clock = utcFormat('%H:%M');
const minutesSeconds = utcFormat('%-M m %S s');
const hoursMinutes = utcFormat('%-H h %M m');

/** A count in full, with thousands separated: "3,600". (Not toLocaleString: its first call builds ICU's tables, a long task.) */
export const formatCount = (n: number): string => whole(n);

/** A rate or count: "0.5", "42", "1.23k", "45.6M". */
export function formatRate(x: number): string {
  if (!Number.isFinite(x)) return '–';
  const a = Math.abs(x);
  if (a >= 1e3) return si(x).replace('G', 'B');
  if (a >= 10 || a === 0) return whole(x);
  return oneDecimal(x);
}

/** "00:08" on clocked models; "45 s", "1 m 20 s" or "1 h 05 m" from the start otherwise. */
export function formatTime(t: number, clockStart: string | null): string {
  if (clockStart) return clock(new Date(Date.parse(clockStart) + t * 1000));
  const s = Math.round(t);
  if (s < 60) return `${s} s`;
  return (s < 3600 ? minutesSeconds : hoursMinutes)(new Date(s * 1000));
}

/** Axis ticks at whole hours of the clock (or round seconds on unclocked models). */
export function timeTicks(durationS: number, clockStart: string | null, approx = 10): number[] {
  if (!clockStart || durationS < 4 * 3600) {
    const step = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600].find((s) => durationS / s <= approx) ?? 3600;
    return Array.from({ length: Math.floor(durationS / step) + 1 }, (_, k) => k * step);
  }
  const start = Date.parse(clockStart);
  const hours = [1, 2, 3, 4, 6, 12].find((h) => durationS / (h * 3600) <= approx) ?? 12;
  return utcHour
    .every(hours)!
    .range(new Date(start), new Date(start + durationS * 1000 + 1))
    .map((d) => (d.getTime() - start) / 1000);
}

/** A duration as the clock writes it, hours and minutes: 19,605 s is "05:27". */
export function clockDuration(s: number): string {
  const m = Math.round(s / 60);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** A duration in the model's scale, for buttons: "30 s", "2 min", "1 h", "1 h 30 min". */
export function formatDuration(s: number): string {
  if (s < 60) return `${whole(s)} s`;
  if (s < 3600) return `${oneDecimal(s / 60)} min`;
  const h = Math.floor(s / 3600);
  const m = Math.round((s - h * 3600) / 60);
  return m ? `${h} h ${m} min` : `${h} h`;
}
