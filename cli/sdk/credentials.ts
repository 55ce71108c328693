// The AWS SDK's standard credential chain, loaded only when an AWS endpoint is called. A module
// of ours, so that the bundled CLI can import it lazily (see cli/bundle/build.mjs).
export { defaultProvider } from '@aws-sdk/credential-provider-node';
