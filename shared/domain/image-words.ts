// How an image is shown to a person: `cutover status`, the releases table and the dashboard
// print the same short form. Pure, and it imports nothing at run time: the dashboard's browser
// bundle includes it.

const SHORT_DIGEST = /sha256:[0-9a-f]{12}/;

/**
 * `sha256:` and the first 12 hex digits of the digest in an image reference or a bare digest:
 * `…/web@sha256:1a2b3c4d5e6f…` gives `sha256:1a2b3c4d5e6f`. Text holding no digest is shown as
 * it is, so an unexpected value is printed rather than hidden.
 */
export function shortDigest(imageOrDigest: string): string {
  return SHORT_DIGEST.exec(imageOrDigest)?.[0] ?? imageOrDigest;
}

/**
 * `<repository>@sha256:<first 12 hex digits>`, without the registry:
 * `123456789012.dkr.ecr.us-east-1.amazonaws.com/team/web@sha256:…` gives `team/web@sha256:…`.
 */
export function shortImage(image: string): string {
  const [repository = image, digest] = image.split('@');
  const parts = repository.split('/');
  const registry = parts.length > 1 && /[.:]|^localhost$/.test(parts[0]!);
  const name = registry ? parts.slice(1).join('/') : repository;
  return digest === undefined ? name : `${name}@${shortDigest(digest)}`;
}
