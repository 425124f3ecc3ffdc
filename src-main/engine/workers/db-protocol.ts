// Requests to the DB worker, the one writer of an open case.
import type { MessagePort } from 'node:worker_threads';
import type {
  CaseInfo,
  DatasetInfo,
  EventsPage,
  EventsQuery,
  InjectionInfo,
  ModelInfo,
  FeedPage,
  FeedQuery,
  ScoreDistribution,
  Verdict,
  IncidentInfo,
  RuleConfidenceInfo,
  StoredAlert,
  VerdictResult,
} from '../../../src-shared/domain';
import type { ExplainInput } from '../feed/explain';
import type { Result } from '../../../src-shared/result';
import type { FeatureWrite } from '../db/features-store';
import type { ModelToSave } from '../db/models-store';
import type { InjectParams } from '../scenarios/inject';
import type { RulesRun } from '../db/rules-store';
import type { RuleName } from '../rules/config';

export type DbRequest =
  | { type: 'open'; path: string; create: boolean }
  | { type: 'info' }
  | { type: 'page'; query: EventsQuery }
  | {
      type: 'ingest';
      jobId: string;
      port: MessagePort;
      name: string;
      sourceFile: string | null;
      appendTo?: number;
      cancel: SharedArrayBuffer;
    }
  | { type: 'features'; jobId: string; write: FeatureWrite; cancel: SharedArrayBuffer }
  | { type: 'inject'; datasetId: number; scenario: string; params: InjectParams }
  | { type: 'uninject'; injectionId: number }
  | { type: 'injections' }
  | { type: 'saveModel'; model: ModelToSave }
  | {
      type: 'saveScores';
      /** An id, or a model from a file to keep with its scores (reused if already kept). */
      model: number | ModelToSave;
      datasetId: number;
      ids: Float64Array;
      scores: Float64Array;
      cancel: SharedArrayBuffer;
    }
  | { type: 'models' }
  | { type: 'feed'; query: FeedQuery }
  | { type: 'distribution'; datasetId: number; modelId?: number }
  | { type: 'explainInput'; datasetId: number; eventId: number }
  | { type: 'eventVerdict'; datasetId: number; eventId: number; verdict: Verdict | null }
  | { type: 'saveRules'; jobId: string; run: RulesRun; cancel: SharedArrayBuffer }
  | { type: 'alerts'; datasetId?: number; limit?: number }
  | { type: 'incidents'; datasetId?: number }
  | { type: 'verdict'; alertId: number; verdict: 'confirmed' | 'false_positive'; configPath?: string }
  | { type: 'ruleConfidence'; configPath?: string }
  | { type: 'reviewRule'; rule: RuleName; configPath?: string }
  | { type: 'setMeta'; key: string; value: string }
  | { type: 'close' };

export interface DbResults {
  open: CaseInfo;
  info: CaseInfo;
  page: EventsPage;
  ingest: { dataset: DatasetInfo; rows: number; bytes: number; seconds: number };
  features: null;
  inject: InjectionInfo;
  uninject: { datasetId: number; removed: number };
  injections: InjectionInfo[];
  saveModel: ModelInfo;
  saveScores: number;
  models: ModelInfo[];
  feed: FeedPage;
  distribution: ScoreDistribution;
  explainInput: ExplainInput;
  eventVerdict: Verdict | null;
  saveRules: number;
  alerts: StoredAlert[];
  incidents: IncidentInfo[];
  verdict: VerdictResult;
  ruleConfidence: RuleConfidenceInfo[];
  reviewRule: RuleConfidenceInfo;
  setMeta: null;
  close: null;
}

export type DbReply =
  | { seq: number; result: Result<unknown> }
  | { type: 'progress'; jobId: string; rows: number; bytes: number; phase: string };
