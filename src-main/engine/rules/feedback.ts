// Rule confidence learns from the analyst's verdicts: a false positive costs 5 points; the 10th
// drops the rule to 50 (at most) and disables it pending manual review; a confirmed attack adds
// 10 (up to 100), and from the 5th confirmation the rule's alerts are raised to CRITICAL.
import type { RuleState } from './alerts';

export const FP_STEP = 5;
export const FP_LIMIT = 10;
export const FP_FLOOR = 50;
export const CONFIRM_STEP = 10;
export const ESCALATE_AFTER = 5;

export type Verdict = 'confirmed' | 'false_positive';

export function applyVerdict(s: RuleState, verdict: Verdict): RuleState {
  if (verdict === 'confirmed')
    return { ...s, confirmed: s.confirmed + 1, confidence: Math.min(100, s.confidence + CONFIRM_STEP) };
  const falsePositives = s.falsePositives + 1;
  let confidence = Math.max(0, s.confidence - FP_STEP);
  let disabled = s.disabled;
  if (falsePositives >= FP_LIMIT) {
    confidence = Math.min(confidence, FP_FLOOR);
    disabled = true;
  }
  return { ...s, falsePositives, confidence, disabled };
}

/** Manual review done: the rule runs again, its false-positive count starts over. */
export function reviewed(s: RuleState): RuleState {
  return { ...s, falsePositives: 0, disabled: false };
}
