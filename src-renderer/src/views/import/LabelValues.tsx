// A text label column's values from the first rows: the analyst ticks those that mean an attack
// (kept with the mapping; the Models tab's training takes its own choice of positive values).
import type { ImportPreview } from '../../../../src-shared/import';

export function LabelValues({
  label,
  positive,
  onChange,
}: {
  label: NonNullable<ImportPreview['label']>;
  positive: string[];
  onChange: (positive: string[]) => void;
}) {
  const toggle = (v: string, on: boolean) =>
    onChange(on ? [...positive.filter((p) => p !== v), v] : positive.filter((p) => p !== v));
  return (
    <fieldset className="import-label" data-testid="import-label">
      <legend>
        Which values of <b className="mono">{label.column}</b> mean an attack?
      </legend>
      <div className="column-chips">
        {label.values.map(({ value, count }) => (
          <label key={value} className="chip">
            <input
              type="checkbox"
              checked={positive.includes(value)}
              onChange={(e) => toggle(value, e.target.checked)}
              data-testid={`import-positive-${value}`}
            />
            <span className="mono">{value}</span>
            <span className="muted small">{count.toLocaleString('en-US')}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
