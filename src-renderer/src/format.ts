// Number, time and size formatting for the renderer. Locale-independent on purpose: analysts
// compare values across screenshots and reports, so the same number always looks the same.

const intFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

/** 284807 → "284,807". */
export function formatInt(n: number): string {
  return Number.isFinite(n) ? intFormat.format(Math.round(n)) : '—';
}

/** "1 row" / "284,807 rows". */
export function formatCount(n: number, singular: string, plural = `${singular}s`): string {
  return `${formatInt(n)} ${n === 1 ? singular : plural}`;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Epoch milliseconds → "YYYY-MM-DD HH:mm:ss" in UTC. Null or non-finite → "". */
export function formatTs(ms: number | string | null | undefined): string {
  if (ms === null || ms === undefined || ms === '') return '';
  const n = typeof ms === 'number' ? ms : Number(ms);
  if (!Number.isFinite(n)) return String(ms);
  const d = new Date(n);
  if (Number.isNaN(d.getTime())) return String(ms);
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  );
}

/**
 * Reads a time typed by an analyst as UTC epoch ms: "2026-01-01", "2026-01-01 10:00",
 * "2026-01-01T10:00:00Z", or a plain epoch-ms number. Null when it is not a time.
 */
export function parseTs(text: string): number | null {
  const s = text.trim();
  if (s === '') return null;
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(s);
  if (!m) return null;
  if (m[8] && m[8] !== 'Z') {
    const t = Date.parse(s.replace(' ', 'T'));
    return Number.isFinite(t) ? t : null;
  }
  const ms = m[7] ? Math.round(Number(m[7]) * 1000) : 0;
  const t = Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), ms);
  return Number.isFinite(t) ? t : null;
}

/** Query time: "0.4 ms", "12 ms", "1,204 ms". */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  return ms < 10 ? `${oneDecimal.format(ms)} ms` : `${formatInt(ms)} ms`;
}

/** Job throughput: "48,210 rows/s". */
export function formatRate(rowsPerSecond: number): string {
  return `${formatInt(rowsPerSecond)} rows/s`;
}

/** Bytes: "512 B", "14.2 MB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${formatInt(v)} B` : `${oneDecimal.format(v)} ${units[i]}`;
}

/** Elapsed time of a job: "4 s", "2 min 05 s". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${pad(s % 60)} s` : `${Math.floor(m / 60)} h ${pad(m % 60)} min`;
}

/** Last path segment of a file path from either platform. */
export function baseName(p: string): string {
  const parts = p.split(/[\\/]/);
  return parts[parts.length - 1] || p;
}

/** Shown on keyboard hints: "⌘" on macOS, "Ctrl" elsewhere. */
export const MOD_KEY =
  typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent)
    ? '⌘'
    : 'Ctrl';

/** A rule alert's detail key in words: "rateLimitFromEventId" → "rate limit from event id". */
export function detailLabel(key: string): string {
  return key
    .replace(/_/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase();
}

const detailNumber = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** A rule alert's detail value: times (epoch ms) as UTC times, numbers rounded. */
export function detailValue(v: string | number | boolean | null): string {
  if (v === null) return '–';
  if (typeof v !== 'number') return String(v);
  if (v > 1e12 && v < 1e14) return `${formatTs(v)} UTC`;
  return detailNumber.format(v);
}

/** Up to two decimals, grouped: amounts, observed values, baselines. */
export function formatNumber(v: number): string {
  return detailNumber.format(v);
}

/** A name of the engine in words: "lateral_movement" → "lateral movement". */
export const spaced = (name: string): string => name.replace(/_/g, ' ');

/** Minutes as a human duration: "15 min", "4 h", "1 day". */
export function formatMinutes(m: number): string {
  if (m < 60) return `${m} min`;
  if (m < 1440) return m % 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${m / 60} h`;
  const d = Math.round((m / 1440) * 10) / 10;
  return `${d} day${d === 1 ? '' : 's'}`;
}
