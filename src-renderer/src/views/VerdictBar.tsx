// The one-click verdict buttons of an anomaly or a rule alert, alike everywhere: C confirms, F
// marks a false positive, S unsure, U undoes, N writes a note.
import type { Verdict } from '../../../src-shared/domain';

export function VerdictBar({
  verdict,
  onVerdict,
  canUndo,
  testIdPrefix,
  onNote,
  measured = false,
}: {
  verdict: Verdict | null;
  onVerdict: (v: Verdict | null) => void;
  /** Shows an Undo button (enabled when true); undefined: no Undo here. */
  canUndo?: boolean;
  /** Prefix of the buttons' test ids: `${prefix}-confirm`, `-fp`, `-unsure`, `-clear`, `-note`. */
  testIdPrefix: string;
  /** Opens the note form (N). */
  onNote?: () => void;
  /** The item is a measurement (service metrics): the verbs are to acknowledge, not to confirm an attack. */
  measured?: boolean;
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
        {measured ? 'Acknowledge' : 'Confirm attack'} <kbd>C</kbd>
      </button>
      <button
        type="button"
        className={`btn small verdict dismiss${verdict === 'false_positive' ? ' on' : ''}`}
        aria-pressed={verdict === 'false_positive'}
        onClick={() => onVerdict('false_positive')}
        data-testid={`${testIdPrefix}-fp`}
        aria-keyshortcuts="F"
      >
        {measured ? 'Not an issue' : 'False positive'} <kbd>F</kbd>
      </button>
      <button
        type="button"
        className={`btn small verdict unsure${verdict === 'unsure' ? ' on' : ''}`}
        aria-pressed={verdict === 'unsure'}
        onClick={() => onVerdict('unsure')}
        data-testid={`${testIdPrefix}-unsure`}
        aria-keyshortcuts="S"
        title="Looked at, not decided: it stays open, marked"
      >
        Unsure <kbd>S</kbd>
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
      {onNote && (
        <button
          type="button"
          className="btn small ghost"
          onClick={onNote}
          data-testid={`${testIdPrefix}-note`}
          aria-keyshortcuts="N"
        >
          Note <kbd>N</kbd>
        </button>
      )}
    </div>
  );
}

const TAG: Record<Verdict, string> = {
  confirmed: '✔ confirmed',
  false_positive: '✕ false positive',
  unsure: '? unsure',
};

/** A verdict in a table's cell (nothing when there is none). */
export function VerdictTag({ verdict }: { verdict: Verdict | null }) {
  return verdict ? <span className={`verdict-tag ${verdict}`}>{TAG[verdict]}</span> : null;
}
