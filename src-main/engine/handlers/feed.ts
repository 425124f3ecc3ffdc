// The anomaly feed: pages and the score distribution (ranked in the DB worker), explanations
// (features re-scored at typical values), and the analyst's verdicts.
import type { Explanation } from '../../../src-shared/domain';
import { AppFailure, ok, toAppError, type Result } from '../../../src-shared/result';
import { explain } from '../feed/explain';
import { loadFeatureConfig } from '../features/config';
import { scoresInProcess, scoreWithDetector, type StoredModel } from '../models/score-dataset';
import { scoreOnnx } from '../onnx-client';
import { loadScenarioConfig, loadUnmatchedRule, type ScenarioSpec } from '../scenarios/config';
import type { DomainHandlers, HandlerContext } from './context';

/** Scores a few rows with a stored model: in this thread for detectors, else in the ONNX worker. */
async function scoreStored(model: StoredModel, columns: Float32Array[]): Promise<Float64Array> {
  if (scoresInProcess(model)) return scoreWithDetector(model, columns);
  const r = await scoreOnnx(model.body, model.name, columns);
  if (!r.ok) throw new AppFailure(r.error);
  return r.value.scores;
}

/** Why an event ranks where it does, in business terms (the panel's, the report's). */
export async function explainEvent(
  ctx: HandlerContext,
  datasetId: number,
  eventId: number,
): Promise<Result<Explanation>> {
  const input = await ctx.onCase('explainInput', datasetId, eventId);
  if (!input.ok) return input;
  try {
    const config = {
      specs: loadFeatureConfig().features,
      scenarios: loadScenarioConfig() as Map<string, ScenarioSpec>,
      unmatched: loadUnmatchedRule(),
    };
    return ok(await explain(input.value, scoreStored, config));
  } catch (e) {
    return { ok: false, error: toAppError(e) };
  }
}

export const feedHandlers = {
  'feed.page': (query, ctx) => ctx.onCase('feed', query),
  'feed.group': ({ datasetId, view, eventId }, ctx) => ctx.onCase('feedGroup', datasetId, view, eventId),
  'entity.story': ({ datasetId, value, eventId, column }, ctx) =>
    ctx.onCase('entityStory', datasetId, value ?? { eventId: eventId! }, column),
  'feed.verdicts': async ({ datasetId, items, note }, ctx) => {
    const r = await ctx.onCase('eventVerdicts', datasetId, items, note);
    return r.ok ? ok({ events: r.value }) : r;
  },
  'feed.distribution': ({ datasetId }, ctx) => ctx.onCase('distribution', datasetId),
  'feed.explain': ({ datasetId, eventId }, ctx) => explainEvent(ctx, datasetId, eventId),
  'feed.verdict': async ({ datasetId, eventId, verdict, note }, ctx) => {
    const r = await ctx.onCase('eventVerdict', datasetId, eventId, verdict, note);
    return r.ok ? ok({ verdict: r.value }) : r;
  },
  /** A note on an event or a rule alert, kept in its review history. */
  'review.note': (target, ctx) => ctx.onCase('reviewNote', target),
  'review.history': (target, ctx) => ctx.onCase('reviewHistory', target),
} satisfies DomainHandlers;
