// The triage keys, the same in every list an analyst works down: J/K or the arrows move, C
// confirms, F marks a false positive, S marks unsure, U undoes, N writes a note (where there
// is one). Not while typing.
import { useEffect } from 'react';
import { isEditable } from './useShortcuts';

export interface TriageKeys {
  move: (by: 1 | -1) => void;
  confirm: () => void;
  dismiss: () => void;
  undo?: () => void;
  unsure?: () => void;
  note?: () => void;
}

export function useTriageKeys(keys: TriageKeys): void {
  const { move, confirm, dismiss, undo, unsure, note } = keys;
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
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [move, confirm, dismiss, undo, unsure, note]);
}
