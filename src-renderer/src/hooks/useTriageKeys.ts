// The triage keys, the same in every list an analyst works down: J/K or the arrows move, C
// confirms, F marks a false positive, U undoes (where there is an undo). Not while typing.
import { useEffect } from 'react';
import { isEditable } from './useShortcuts';

export interface TriageKeys {
  move: (by: 1 | -1) => void;
  confirm: () => void;
  dismiss: () => void;
  undo?: () => void;
}

export function useTriageKeys(keys: TriageKeys): void {
  const { move, confirm, dismiss, undo } = keys;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isEditable(e.target)) return;
      const k = e.key.toLowerCase();
      if (k === 'j' || e.key === 'ArrowDown') move(1);
      else if (k === 'k' || e.key === 'ArrowUp') move(-1);
      else if (k === 'c') confirm();
      else if (k === 'f') dismiss();
      else if (k === 'u' && undo) undo();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [move, confirm, dismiss, undo]);
}
