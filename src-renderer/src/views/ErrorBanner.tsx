// Errors in plain words, until the analyst dismisses them (button or Escape).
import { dismissError, dismissErrors, useStore } from '../store';

export function ErrorBanner() {
  const errors = useStore((s) => s.errors);
  if (!errors.length) return null;
  const onlyInfo = errors.every((e) => e.tone === 'info');
  return (
    <div className={onlyInfo ? 'banner info' : 'banner error'} role="alert" data-testid="error-banner">
      <span className="banner-icon" aria-hidden="true">
        {onlyInfo ? 'i' : '!'}
      </span>
      <ul className="banner-list">
        {errors.map((e) => (
          <li key={e.id} className={`banner-item ${e.tone}`}>
            <span className="banner-text">{e.text}</span>
            {e.hint && <span className="banner-hint"> — {e.hint}</span>}
            {errors.length > 1 && (
              <button
                type="button"
                className="banner-item-dismiss"
                aria-label={`Dismiss: ${e.text}`}
                title="Dismiss this message"
                onClick={() => dismissError(e.id)}
              >
                ×
              </button>
            )}
          </li>
        ))}
      </ul>
      <button
        type="button"
        className="btn ghost small"
        data-testid="error-dismiss"
        onClick={dismissErrors}
        title="Dismiss (Esc)"
        aria-keyshortcuts="Escape"
      >
        Dismiss
      </button>
    </div>
  );
}

/** Brief success notes (an import finished). They go away by themselves. */
export function Notices() {
  const notices = useStore((s) => s.notices);
  return (
    <div className="notices" role="status" aria-live="polite">
      {notices.map((n) => (
        <div key={n.id} className="notice" data-testid="notice">
          <span className="notice-icon" aria-hidden="true">
            ✓
          </span>
          {n.text}
        </div>
      ))}
    </div>
  );
}
