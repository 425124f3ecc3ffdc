// When the events canvas is scaled (datasets too tall for the browser), the native wheel and
// keys would move `scale` times too far. This rescales them so one wheel notch or one arrow
// press still moves the same number of rows as in an ordinary table.
import { useEffect, type RefObject } from 'react';

const LINE_PX = 26;

export function useScaledWheel(ref: RefObject<HTMLElement | null>, scale: number, viewport: number): void {
  useEffect(() => {
    const el = ref.current;
    if (!el || scale === 1) return;
    const onWheel = (e: WheelEvent) => {
      if (e.ctrlKey || Math.abs(e.deltaY) < Math.abs(e.deltaX)) return;
      const unit = e.deltaMode === 1 ? LINE_PX : e.deltaMode === 2 ? viewport : 1;
      e.preventDefault();
      el.scrollTop += (e.deltaY * unit) / scale;
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.target !== el || e.altKey || e.ctrlKey || e.metaKey) return;
      const page = Math.max(LINE_PX, viewport - 2 * LINE_PX);
      const delta =
        e.key === 'ArrowDown'
          ? LINE_PX
          : e.key === 'ArrowUp'
            ? -LINE_PX
            : e.key === 'PageDown' || (e.key === ' ' && !e.shiftKey)
              ? page
              : e.key === 'PageUp' || (e.key === ' ' && e.shiftKey)
                ? -page
                : 0;
      if (!delta) return;
      e.preventDefault();
      el.scrollTop += delta / scale;
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    el.addEventListener('keydown', onKey);
    return () => {
      el.removeEventListener('wheel', onWheel);
      el.removeEventListener('keydown', onKey);
    };
  }, [ref, scale, viewport]);
}
