// Shown while files are dragged over the window.
export function DropOverlay() {
  return (
    <div className="drop-overlay" data-testid="drop-overlay" aria-hidden="true">
      <div className="drop-box">
        <div className="drop-title">Drop to import</div>
        <div className="drop-detail">CSV, TSV or JSON Lines — each file becomes a dataset</div>
      </div>
    </div>
  );
}
