// Window-wide keys: Ctrl/⌘+I imports, "/" focuses the filter value, Escape dismisses errors.
import { useEffect } from 'react';
import { dismissErrors, setLiveOpen, useStore } from '../store';
import { FILTER_VALUE_ID } from '../views/FilterBar';
import { openImportPicker } from '../views/TopBar';

export function isEditable(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false;
  if (t.isContentEditable) return true;
  if (t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement) return true;
  return (
    t instanceof HTMLInputElement &&
    !['button', 'checkbox', 'radio', 'submit', 'reset', 'file'].includes(t.type)
  );
}

export function useShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.isComposing) return;
      const mod = e.ctrlKey || e.metaKey;
      if (mod && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'i') {
        e.preventDefault();
        openImportPicker();
        return;
      }
      if (e.key === '/' && !mod && !e.altKey && !isEditable(e.target)) {
        const input = document.getElementById(FILTER_VALUE_ID) as HTMLInputElement | null;
        if (input && !input.disabled) {
          e.preventDefault();
          input.focus();
          input.select();
        }
        return;
      }
      if (e.key.toLowerCase() === 'l' && !mod && !e.altKey && !isEditable(e.target)) {
        e.preventDefault();
        setLiveOpen(!useStore.getState().liveOpen);
        return;
      }
      if (e.key === 'Escape' && useStore.getState().errors.length) {
        dismissErrors();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
