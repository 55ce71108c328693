// Placeholder until shared/domain/stack-names.ts lands.
export function functionRoleName(o: { service: string; stage: string; region: string; fn: string }): string {
  const parts = [o.service, o.stage, o.fn, o.region, 'lambdaRole'];
  if (parts.join('-').length > 64) parts.pop();
  return parts.join('-');
}
