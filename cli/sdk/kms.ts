// The KMS client `cutover ledger-key` loads when it runs. A module of ours, so that the
// bundled CLI can import it lazily (see cli/bundle/build.mjs: no package is imported lazily).
export { GetPublicKeyCommand, KMSClient } from '@aws-sdk/client-kms';
