// Rule 5, data volume: rows or bytes a key read over a window above 3× its baseline for that
// day of week and hour (5× for admin keys: name suffix or listed). Observed and baseline are
// in rows; the bytes are in the details.
import type { Cols, RuleContext } from './context';
import { ipName, keyName } from './context';
import { MINUTE } from './state';

export function checkDataVolume(ctx: RuleContext, c: Cols, i: number, k: number): void {
  const keys = ctx.keys;
  const rowsOver = keys.wRows[k] >= keys.thrRows[k];
  if (!rowsOver && keys.wBytes[k] < keys.thrBytes[k]) return;
  const ts = c.ts[i];
  const a = ctx.book.fire(
    'data_volume',
    'key',
    k,
    0,
    keyName(ctx, k),
    ts,
    c.id[i],
    keys.wRows[k],
    Math.round(keys.baseRows[k]),
    keys.baseConf[k],
    ipName(ctx, c, i),
    ts - ctx.cfg.rules.data_volume.windowMin * MINUTE,
  );
  // observed and baseline are rows; bytes beside them (the larger seen while it lasted)
  a.details.metric ??= rowsOver ? 'rows' : 'bytes';
  a.details.bytes = Math.max(Number(a.details.bytes ?? 0), keys.wBytes[k]);
  a.details.baselineBytes = Math.round(keys.baseBytes[k]);
  a.details.admin = keys.admin[k] === 1;
  keys.hAlerted[k] = 1;
}
