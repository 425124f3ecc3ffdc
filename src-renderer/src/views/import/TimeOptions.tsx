// How the import reads its time: the column found (and its time-of-day column), the format when
// the values leave it open (03/04/2026: month/day or day/month?), epoch units, or steps of a unit
// from an origin; syslog's year.
import type { ImportMapping, ImportPreview, TimeFormat, TimeUnit } from '../../../../src-shared/import';
import { TIME_UNITS } from '../../../../src-shared/import';

const FORMATS: [TimeFormat | '' | 'step', string][] = [
  ['', 'as the values say'],
  ['iso', 'ISO 8601 (2024-03-01T14:05:33)'],
  ['mdy', 'MM/DD/YYYY (month first)'],
  ['dmy', 'DD/MM/YYYY (day first)'],
  ['syslog', 'syslog (Dec 10 06:55:46)'],
  ['epoch_s', 'epoch seconds'],
  ['epoch_ms', 'epoch milliseconds'],
  ['epoch_us', 'epoch microseconds'],
  ['epoch_ns', 'epoch nanoseconds'],
  ['step', 'steps of a unit from an origin'],
];

const KIND_TEXT: Record<string, string> = {
  iso: 'ISO 8601',
  mdy: 'MM/DD/YYYY',
  dmy: 'DD/MM/YYYY',
  slash: 'month/day or day/month?',
  syslog: 'syslog',
  epoch_s: 'epoch seconds',
  epoch_ms: 'epoch milliseconds',
  epoch_us: 'epoch microseconds',
  epoch_ns: 'epoch nanoseconds',
  step: 'steps',
};

export function TimeOptions({
  preview,
  mapping,
  onChange,
}: {
  preview: ImportPreview;
  mapping: ImportMapping;
  onChange: (m: ImportMapping) => void;
}) {
  const { time } = preview;
  if (!time.column)
    return (
      <p className="import-time muted" data-testid="import-time">
        No time column: the rows are imported without times (models then split them by a seeded shuffle).
        Choose the role <b>time</b> for a column that holds one.
      </p>
    );
  const format = mapping.timeUnit ? 'step' : (mapping.timeFormat ?? '');
  const setFormat = (v: string) => {
    const next: ImportMapping = { ...mapping };
    delete next.timeFormat;
    delete next.timeUnit;
    delete next.timeOrigin;
    if (v === 'step') next.timeUnit = 'hour';
    else if (v) next.timeFormat = v as TimeFormat;
    onChange(next);
  };
  return (
    <div className={time.ambiguous ? 'import-time ambiguous' : 'import-time'} data-testid="import-time">
      <span>
        Time: <b className="mono">{time.column}</b>
        {time.clockColumn && (
          <>
            {' '}
            + <b className="mono">{time.clockColumn}</b>
          </>
        )}{' '}
        <span className="muted">({time.kind ? (KIND_TEXT[time.kind] ?? time.kind) : 'not read yet'})</span>
      </span>
      <label>
        Format
        <select
          className="select"
          value={format}
          onChange={(e) => setFormat(e.target.value)}
          aria-invalid={time.ambiguous ? true : undefined}
          data-testid="import-time-format"
          autoFocus={!!time.ambiguous}
        >
          {FORMATS.map(([v, text]) => (
            <option key={v} value={v}>
              {text}
            </option>
          ))}
        </select>
      </label>
      {mapping.timeUnit && (
        <>
          <label>
            Unit
            <select
              className="select"
              value={mapping.timeUnit}
              onChange={(e) => onChange({ ...mapping, timeUnit: e.target.value as TimeUnit })}
              data-testid="import-time-unit"
            >
              {TIME_UNITS.map((u) => (
                <option key={u} value={u}>
                  {u}s
                </option>
              ))}
            </select>
          </label>
          <label>
            from
            <input
              className="input"
              type="date"
              value={mapping.timeOrigin?.slice(0, 10) ?? ''}
              onChange={(e) => onChange({ ...mapping, timeOrigin: e.target.value || undefined })}
              aria-label="Origin of the steps (step 0)"
              data-testid="import-time-origin"
            />
          </label>
        </>
      )}
      {(time.kind === 'syslog' || mapping.timeFormat === 'syslog') && (
        <label>
          Year
          <input
            className="input year"
            type="number"
            min={1970}
            max={2200}
            value={mapping.timeYear ?? ''}
            placeholder={String(new Date().getFullYear())}
            onChange={(e) =>
              onChange({ ...mapping, timeYear: e.target.value ? Number(e.target.value) : undefined })
            }
            data-testid="import-time-year"
          />
        </label>
      )}
      {time.ambiguous && (
        <p className="import-ambiguous" role="alert" data-testid="import-ambiguous">
          {time.ambiguous}
        </p>
      )}
    </div>
  );
}
