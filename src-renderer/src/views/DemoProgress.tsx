// The main area while the demo case is being built (before it has any dataset).
import type { JobProgress } from '../../../src-shared/domain';
import { JobCard } from './JobsPanel';

export function DemoProgress({ job }: { job: JobProgress }) {
  return (
    <div className="demo-progress" data-testid="demo-progress">
      <h2 className="empty-title">Building the demo case…</h2>
      <p className="empty-detail">
        Generating realistic event logs and importing them. The datasets appear on the left when it is done.
      </p>
      <JobCard job={job} large />
    </div>
  );
}
