// The renderer's state, one slice per concern; each slice's creator is in its own module and
// the store is their union (index.ts). Actions live in the state, so nothing is kept in module
// variables.
import type { StateCreator } from 'zustand';
import type { AppSlice } from './app-slice';
import type { CaseSlice } from './case-slice';
import type { JobsSlice } from './jobs-slice';
import type { LiveSlice } from './live-slice';
import type { NoticesSlice } from './notices-slice';
import type { UiSlice } from './ui-slice';

export type StoreState = AppSlice & CaseSlice & JobsSlice & LiveSlice & NoticesSlice & UiSlice;

/** A slice's creator: it may read and set the whole state. */
export type Slice<T> = StateCreator<StoreState, [], [], T>;
