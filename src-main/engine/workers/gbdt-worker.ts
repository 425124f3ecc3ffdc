// GBDT helper thread: started by the trainer (itself in a compute worker) to take half of each
// training step; see models/gbdt/parallel.ts.
import { workerData } from 'node:worker_threads';
import { serveSteps, type SharedState } from '../models/gbdt/parallel';

serveSteps(workerData as SharedState);
