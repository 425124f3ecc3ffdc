// What every rule module sees: the configuration, the interned names, the per-key state, the
// global baselines and the alert book. One context per engine.
import type { AlertBook, RuleState } from './alerts';
import type { RuleName, RulesConfig } from './config';
import type { Dictionaries, EventColumns } from './events';
import type { GlobalBaselines, KeyTable } from './state';

export interface RuleContext {
  cfg: RulesConfig;
  dict: Dictionaries;
  keys: KeyTable;
  global: GlobalBaselines;
  book: AlertBook;
  states: Map<RuleName, RuleState>;
  /** Fields (by id) that hold personal data / are behind a feature flag. */
  fieldPii: Uint8Array;
  fieldBypass: Uint8Array;
  /** IPs (by id) inside an allowlisted CIDR. */
  ipAllowed: Uint8Array;
  /** Fields and tables read by any key (what a new key is compared with). */
  knownFields: Uint8Array;
  knownTables: Uint8Array;
  /** Time of the first event this engine has seen: warm-ups count from there. */
  start: number;
}

/** Where an event is: its columns and row. */
export type Cols = EventColumns;

export const keyName = (ctx: RuleContext, k: number) => () => ctx.dict.keys.names[k];
export const ipName = (ctx: RuleContext, cols: Cols, i: number): string => ctx.dict.ips.names[cols.ip[i]];
