// The open case as the engine describes it, the dataset the analyst is looking at, and a
// version that moves whenever results shown by the views may have changed.
import type { CaseInfo } from '../../../src-shared/domain';
import type { Slice } from './types';

export interface CaseSlice {
  caseInfo: CaseInfo | null;
  selectedDatasetId: number | null;
  /** Moves when results shown by the feed, models and scenarios views may have changed. */
  dataVersion: number;
  setCase(info: CaseInfo | null): void;
  selectDatasetId(id: number): void;
  openCase(path: string, create: boolean): Promise<boolean>;
  bumpData(): void;
}

export const createCaseSlice: Slice<CaseSlice> = (set, get) => ({
  caseInfo: null,
  selectedDatasetId: null,
  dataVersion: 0,
  setCase(info) {
    set((s) => {
      // Dataset ids restart at 1 in every case: pages cached for another case must not be
      // reused, so a change of case also moves the epoch the page caches are keyed by.
      if (!info) {
        return {
          caseInfo: null,
          selectedDatasetId: null,
          queries: {},
          tableStatus: null,
          connectionEpoch: s.connectionEpoch + 1,
        };
      }
      const ids = info.datasets.map((d) => d.id);
      const sameCase = s.caseInfo?.path === info.path;
      let selected = sameCase ? s.selectedDatasetId : null;
      if (selected === null || !ids.includes(selected)) selected = ids[0] ?? null;
      if (sameCase) return { caseInfo: info, selectedDatasetId: selected };
      return {
        caseInfo: info,
        selectedDatasetId: selected,
        queries: {},
        connectionEpoch: s.connectionEpoch + 1,
      };
    });
  },
  selectDatasetId(id) {
    if (get().selectedDatasetId !== id) set({ selectedDatasetId: id });
  },
  async openCase(path, create) {
    const r = await get().bridge!.invoke(create ? 'case.create' : 'case.open', { path });
    if (!r.ok) {
      get().showError(r.error, create ? 'Could not create the case' : 'Could not open the case');
      return false;
    }
    get().setCase(r.value);
    for (const notice of r.value.notices ?? []) get().showInfo(notice);
    return true;
  },
  bumpData: () => set((s) => ({ dataVersion: s.dataVersion + 1 })),
});
