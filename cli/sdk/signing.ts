// SigV4 signing for the HTTP API on AWS, loaded only to sign: the local cloud's bearer token
// needs none of it. A module of ours, so that the bundled CLI can import it lazily
// (see cli/bundle/build.mjs).
export { Sha256 } from '@smithy/core/checksum';
export { SignatureV4 } from '@smithy/signature-v4';
