// Runs the local cloud in this process until Ctrl-C, printing where everything is
// and what to try, then a line for each push, deployment end and alarm change.

import { LocalCloud, type LocalCloudOptions } from '../local/cloud.js';
import type { Output } from './output.js';

export async function runLocalCloud(
  options: Omit<LocalCloudOptions, 'log'>,
  output: Output,
): Promise<number> {
  const stamp = () => new Date().toISOString().slice(11, 19);
  const cloud = await LocalCloud.start({ ...options, log: (line) => output.out(`${stamp()} ${line}`) });
  const services = Object.entries(options.catalog.services)
    .map(
      ([name, e]) =>
        `${name} (${e.strategy}${e.preset ? `, ${e.preset}` : ''}${e.approval.required ? ', approval' : ''})`,
    )
    .join(', ');
  const first = Object.entries(options.catalog.services)[0];
  const repo = first?.[1].images.repositories[0] ?? 'web';
  output.out(`Cutover's local cloud is running: ${options.speed}× real time, state kept in ${options.dataDir}/

  dashboard      ${cloud.apiEndpoint}/   (open it in a browser)
  HTTP API       ${cloud.apiEndpoint}   (bearer token in ${options.dataDir}/token; the CLI reads it)
  AWS endpoint   ${cloud.endpoint}   (export AWS_ENDPOINT_URL=${cloud.endpoint} for the AWS CLI and SDKs)
  services       ${services}

Try:
  npx cutover local push ${repo}:v2 --profile healthy   # rolls out, then promotes
  npx cutover local push ${repo}:v3 --profile faulty    # the 5xx alarm rolls it back
  aws --endpoint-url ${cloud.endpoint} elbv2 describe-rules --rule-arns ${first?.[1].traffic.productionListenerRule ?? ''}

Ctrl-C stops it; nothing is lost.`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  output.out('stopping…');
  await cloud.stop();
  output.out(`stopped; state saved in ${options.dataDir}/`);
  return 0;
}
