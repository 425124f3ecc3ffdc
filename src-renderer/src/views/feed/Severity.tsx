// Severity has one colour everywhere, and is never colour alone: a glyph and the word go with it.
import type { Severity } from '../../../../src-shared/domain';

const GLYPH: Record<Severity, string> = { CRITICAL: '◆', HIGH: '▲', MEDIUM: '●', LOW: '○' };

export function SeverityBadge({ severity }: { severity: Severity }) {
  return (
    <span className={`sev sev-${severity.toLowerCase()}`} data-testid="severity" data-severity={severity}>
      <span aria-hidden="true">{GLYPH[severity]}</span> {severity}
    </span>
  );
}
