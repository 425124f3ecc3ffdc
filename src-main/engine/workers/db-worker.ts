// DB worker: owns the open case's SQLite connections. Messages are {seq, request}.
import { parentPort } from 'node:worker_threads';
import { fail, ok, toAppError } from '../../../src-shared/result';
import { CaseSession } from '../db/case-session';
import type { DbReply, DbRequest } from './db-protocol';

let session: CaseSession | null = null;
const port = parentPort!;
const post = (m: DbReply) => port.postMessage(m);

const need = (): CaseSession => session ?? fail('NO_CASE', 'no case is open');

async function handle(req: DbRequest): Promise<unknown> {
  switch (req.type) {
    case 'open': {
      const next = new CaseSession(req.path, req.create);
      session?.close();
      session = next;
      return next.info();
    }
    case 'info':
      return need().info();
    case 'page':
      return need().page(req.query);
    case 'ingest': {
      const cancel = new Int32Array(req.cancel);
      let last = 0;
      const done = await need().ingest(
        req.port,
        { name: req.name, sourceFile: req.sourceFile, appendTo: req.appendTo },
        cancel,
        (rows, bytes, phase) => {
          const now = performance.now();
          if (now - last < 100 && phase === 'writing') return;
          last = now;
          post({ type: 'progress', jobId: req.jobId, rows, bytes, phase });
        },
      );
      return { dataset: done.dataset, rows: done.rows, bytes: done.bytes, seconds: done.seconds };
    }
    case 'features': {
      let last = 0;
      await need().writeFeatures(req.write, new Int32Array(req.cancel), (rows) => {
        const now = performance.now();
        if (now - last < 100) return;
        last = now;
        post({ type: 'progress', jobId: req.jobId, rows, bytes: 0, phase: 'writing' });
      });
      return null;
    }
    case 'inject':
      return need().inject(req.datasetId, req.scenario, req.params);
    case 'uninject':
      return need().uninject(req.injectionId);
    case 'injections':
      return need().injections();
    case 'saveModel':
      return need().saveModel(req.model);
    case 'saveScores':
      return need().saveScores(req.model, req.datasetId, req.ids, req.scores, new Int32Array(req.cancel));
    case 'models':
      return need().models();
    case 'feed':
      return need().feed(req.query);
    case 'distribution':
      return need().distribution(req.datasetId, req.modelId);
    case 'explainInput':
      return need().explainInput(req.datasetId, req.eventId);
    case 'eventVerdict':
      return need().eventVerdict(req.datasetId, req.eventId, req.verdict);
    case 'saveRules':
      return need().saveRules(req.run, new Int32Array(req.cancel));
    case 'alerts':
      return need().alerts(req.datasetId, req.limit);
    case 'incidents':
      return need().incidents(req.datasetId);
    case 'verdict':
      return need().verdict(req.alertId, req.verdict, req.configPath);
    case 'ruleConfidence':
      return need().ruleConfidence(req.configPath);
    case 'reviewRule':
      return need().reviewRule(req.rule, req.configPath);
    case 'setMeta':
      return need().setMeta(req.key, req.value);
    case 'close':
      session?.close();
      session = null;
      return null;
  }
}

port.on('message', (msg: { seq: number; request: DbRequest }) => {
  handle(msg.request).then(
    (value) => post({ seq: msg.seq, result: ok(value) }),
    (e: unknown) => post({ seq: msg.seq, result: { ok: false, error: toAppError(e) } }),
  );
});
