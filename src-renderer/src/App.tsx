// Layout: top bar, error banner, sidebar + main area, status bar; drop overlay and notes on top.
import { MOD_KEY } from './format';
import { useFileDrop } from './hooks/useFileDrop';
import { useShortcuts } from './hooks/useShortcuts';
import { importFiles, selectDataset, selectDemoJob, useStore } from './store';
import { DemoProgress } from './views/DemoProgress';
import { DropOverlay } from './views/DropOverlay';
import { EmptyState } from './views/EmptyState';
import { ImportDialog } from './views/import/ImportDialog';
import { EntityStoryView } from './views/EntityStoryView';
import { ErrorBanner, Notices } from './views/ErrorBanner';
import { DatasetTabs } from './views/DatasetTabs';
import { LiveView } from './views/LiveView';
import { NoCase } from './views/NoCase';
import { Sidebar } from './views/Sidebar';
import { StatusBar } from './views/StatusBar';
import { openImportPicker, TopBar } from './views/TopBar';

const onFiles = (files: File[]) => void importFiles(files);

function MainArea() {
  const ready = useStore((s) => s.ready);
  const caseOpen = useStore((s) => s.caseInfo !== null);
  const datasetCount = useStore((s) => s.caseInfo?.datasets.length ?? 0);
  const dataset = useStore(selectDataset);
  const demo = useStore(selectDemoJob);
  const liveOpen = useStore((s) => s.liveOpen);

  if (!ready) return <EmptyState title="Connecting to the workstation…" testId="loading-state" />;
  if (liveOpen) return <LiveView />;
  if (demo) return <DemoProgress job={demo} />;
  if (!caseOpen) return <NoCase />;
  if (datasetCount === 0) {
    return (
      <EmptyState
        title="No datasets in this case yet"
        detail={`Import a CSV, TSV or JSON Lines file (drop it here or press ${MOD_KEY}+I)`}
        action={{
          label: 'Import a file…',
          onClick: openImportPicker,
          testId: 'empty-import',
          title: `Import (${MOD_KEY}+I)`,
        }}
      />
    );
  }
  if (!dataset) return <EmptyState title="Choose a dataset on the left" />;
  return <DatasetTabs dataset={dataset} />;
}

export function App() {
  useShortcuts();
  const dragging = useFileDrop(onFiles);
  // `data-ready`: the first app.state has answered (tests and scripts can wait for it).
  const ready = useStore((s) => s.ready);
  return (
    <div className="app" data-testid="app-root" data-ready={ready}>
      <TopBar />
      <ErrorBanner />
      <div className="workspace">
        <Sidebar />
        <main className="main" aria-label="Dataset">
          <MainArea />
        </main>
      </div>
      <StatusBar />
      <Notices />
      <ImportDialog />
      <EntityStoryView />
      {dragging && <DropOverlay />}
    </div>
  );
}
