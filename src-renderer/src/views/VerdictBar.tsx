// The one-click verdict buttons of an anomaly or a rule alert (keys C, F and, where it applies, U).
import type { Verdict } from '../../../src-shared/domain';

export function VerdictBar({
  verdict,
  onVerdict,
  canUndo,
  testIdPrefix,
}: {
  verdict: Verdict | null;
  onVerdict: (v: Verdict | null) => void;
  /** Shows an Undo button (enabled when true); undefined: no Undo here. */
  canUndo?: boolean;
  /** Prefix of the buttons' test ids: `${prefix}-confirm`, `-fp`, `-clear`. */
  testIdPrefix: string;
}) {
  return (
    <div className="verdict-bar" role="group" aria-label="Verdict">
      <button
        type="button"
        className={`btn small verdict confirm${verdict === 'confirmed' ? ' on' : ''}`}
        aria-pressed={verdict === 'confirmed'}
        onClick={() => onVerdict('confirmed')}
        data-testid={`${testIdPrefix}-confirm`}
        aria-keyshortcuts="C"
      >
        Confirm attack <kbd>C</kbd>
      </button>
      <button
        type="button"
        className={`btn small verdict dismiss${verdict === 'false_positive' ? ' on' : ''}`}
        aria-pressed={verdict === 'false_positive'}
        onClick={() => onVerdict('false_positive')}
        data-testid={`${testIdPrefix}-fp`}
        aria-keyshortcuts="F"
      >
        False positive <kbd>F</kbd>
      </button>
      {canUndo !== undefined && (
        <button
          type="button"
          className="btn small ghost"
          disabled={!canUndo}
          onClick={() => onVerdict(null)}
          data-testid={`${testIdPrefix}-clear`}
          aria-keyshortcuts="U"
        >
          Undo <kbd>U</kbd>
        </button>
      )}
    </div>
  );
}
