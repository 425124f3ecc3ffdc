// The triage keys, the same in every list an analyst works down: J/K or the arrows move, C
// confirms, F marks a false positive, S marks unsure, U undoes, N writes a note, → and ← open
// and close an incident's events (where there are such). Not while typing.
import { useEffect } from 'react';
import { isEditable } from './useShortcuts';

export interface TriageKeys {
  move: (by: 1 | -1) => void;
  confirm: () => void;
  dismiss: () => void;
  undo?: () => void;
  unsure?: () => void;
  note?: () => void;
  /** Opens (→), closes (←) or toggles (Enter) the selected incident's events. */
  expand?: (open?: boolean) => void;
}

export function useTriageKeys(keys: TriageKeys): void {
  const { move, confirm, dismiss, undo, unsure, note, expand } = keys;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isEditable(e.target)) return;
      const k = e.key.toLowerCase();
      if (k === 'j' || e.key === 'ArrowDown') move(1);
      else if (k === 'k' || e.key === 'ArrowUp') move(-1);
      else if (k === 'c') confirm();
      else if (k === 'f') dismiss();
      else if (k === 'u' && undo) undo();
      else if (k === 's' && unsure) unsure();
      else if (k === 'n' && note) note();
      else if (e.key === 'ArrowRight' && expand) expand(true);
      else if (e.key === 'ArrowLeft' && expand) expand(false);
      else if (e.key === 'Enter' && expand && !(e.target instanceof HTMLButtonElement)) expand();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [move, confirm, dismiss, undo, unsure, note, expand]);
}
