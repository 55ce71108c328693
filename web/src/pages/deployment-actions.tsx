// The operator's buttons on a running deployment: approve, promote, promote fully, abort.
import { post, seg } from '../api';
import { ActionButton, type ActionResult } from '../components/action';
import type { DeploymentView } from '../../../shared/api/views.js';

interface Accepted {
  deploymentId: string;
  action: string;
  accepted: boolean;
}

export function DeploymentActions(props: {
  deployment: DeploymentView;
  onResult: (r: ActionResult) => void;
}) {
  const { deployment, onResult } = props;
  if (deployment.status !== 'running') return null;
  const path = (action: string) => `/deployments/${seg(deployment.deploymentId)}/${action}`;
  const call = async (action: string, body: object) => {
    const answer = await post<Accepted>(path(action), body);
    return `${answer.action} accepted for ${answer.deploymentId}.`;
  };
  return (
    <div class="actions" role="group" aria-label="operator actions">
      {deployment.approval && (
        <ActionButton
          label="Approve"
          title={`Approve release ${deployment.release} of ${deployment.service}`}
          description="The deployment resumes: production traffic starts moving to the new release."
          run={(reason) => call('approve', { reason })}
          onResult={onResult}
        />
      )}
      <ActionButton
        label="Promote"
        title="Promote to the next step"
        description="Ends the current bake or wait at once; the next step begins."
        run={(reason) => call('promote', { reason, full: false })}
        onResult={onResult}
      />
      <ActionButton
        label="Promote fully"
        title="Promote fully"
        description="Skips every remaining step and bake: all traffic goes to the new release, which is promoted."
        run={(reason) => call('promote', { reason, full: true })}
        onResult={onResult}
      />
      <ActionButton
        label="Abort"
        danger
        title="Abort this deployment"
        description="Rolls back at once: production traffic returns to the stable release."
        run={(reason) => call('abort', { reason })}
        onResult={onResult}
      />
    </div>
  );
}
