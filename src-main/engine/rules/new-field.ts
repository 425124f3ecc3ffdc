// Rule 4, new field access: a key reads a field outside its baseline. PII-only by default (the
// configured PII list); fields on the bypass list (behind feature flags) never alert. Every new
// field is learned, so each alerts once. A new key is compared with the fields any key reads.
import type { Cols, RuleContext } from './context';
import { ipName, keyName } from './context';

export function checkNewField(ctx: RuleContext, c: Cols, i: number, k: number, learning: boolean): void {
  const keys = ctx.keys;
  const fs = c.fieldSet[i];
  if (keys.lastFieldSet[k] === fs) return; // the same fields as its last call: all known
  keys.lastFieldSet[k] = fs;
  const members = ctx.dict.fieldSets.members[fs];
  const cfg = ctx.cfg.rules.new_field;
  const newKey = keys.learningUntil[k] > c.ts[i];
  for (let j = 0; j < members.length; j++) {
    const f = members[j];
    if (keys.fields.has(k, f)) continue;
    keys.fields.set(k, f);
    const globallyKnown = ctx.knownFields[f] === 1;
    ctx.knownFields[f] = 1;
    if (learning || (newKey && globallyKnown)) continue;
    if (ctx.fieldBypass[f] || (cfg.piiOnly && !ctx.fieldPii[f])) continue;
    const a = ctx.book.fire(
      'new_field',
      'key',
      k,
      f + 1,
      keyName(ctx, k),
      c.ts[i],
      c.id[i],
      1,
      null,
      newKey ? ctx.cfg.newKeyConfidence : 1,
      ipName(ctx, c, i),
    );
    a.details.field = ctx.dict.fields.names[f];
    a.details.pii = ctx.fieldPii[f] === 1;
  }
}
