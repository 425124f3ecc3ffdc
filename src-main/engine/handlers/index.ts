// Every request's handler, by domain, merged into the one map the host dispatches through.
// The type makes a method without a handler (or a handler of the wrong shape) a compile error.
import { appHandlers } from './app';
import { caseHandlers } from './case';
import type { HandlerMap } from './context';
import { demoHandlers } from './demo';
import { evaluateHandlers } from './evaluate';
import { eventsHandlers } from './events';
import { featuresHandlers } from './features';
import { feedHandlers } from './feed';
import { ingestHandlers } from './ingest';
import { modelsHandlers } from './models';
import { refreshHandlers } from './refresh';
import { reportHandlers } from './report';
import { rulesHandlers } from './rules';
import { scenariosHandlers } from './scenarios';
import { streamHandlers } from './stream';

export const HANDLERS: HandlerMap = {
  ...appHandlers,
  ...caseHandlers,
  ...demoHandlers,
  ...eventsHandlers,
  ...ingestHandlers,
  ...featuresHandlers,
  ...modelsHandlers,
  ...evaluateHandlers,
  ...refreshHandlers,
  ...feedHandlers,
  ...reportHandlers,
  ...rulesHandlers,
  ...scenariosHandlers,
  ...streamHandlers,
};
