import { describe, expect, it } from 'vitest';
import { ImageReferenceInvalid } from '../../shared/domain/errors.js';
import {
  formatImageRef,
  isDigest,
  isPinned,
  parseImageRef,
  parsePinnedImage,
  pinnedImage,
  sameImage,
} from '../../shared/domain/image-ref.js';

const HEX = '1a2b3c4d5e6f'.repeat(5) + '7a8b';
const DIGEST = `sha256:${HEX}`;
const OTHER_DIGEST = `sha256:${'0'.repeat(64)}`;
const ECR = '123456789012.dkr.ecr.us-east-1.amazonaws.com';

/** Parses `text` expecting a domain rejection; any other error propagates and fails the test. */
function rejectionOf(text: string, requireDigest = true): ImageReferenceInvalid {
  try {
    parseImageRef(text, { requireDigest });
  } catch (error) {
    if (error instanceof ImageReferenceInvalid) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

describe('parseImageRef accepts', () => {
  it.each([
    {
      name: 'an ECR registry with a nested repository and a digest',
      text: `${ECR}/team/web@${DIGEST}`,
      expected: { registry: ECR, repository: 'team/web', digest: DIGEST },
    },
    {
      name: 'a tag before the digest, kept for display',
      text: `web:v2@${DIGEST}`,
      expected: { repository: 'web', tag: 'v2', digest: DIGEST },
    },
    {
      name: 'a bare repository with a digest',
      text: `web@${DIGEST}`,
      expected: { repository: 'web', digest: DIGEST },
    },
    {
      name: 'a registry with a port, a tag and a digest',
      text: `registry:5000/repo:tag@${DIGEST}`,
      expected: { registry: 'registry:5000', repository: 'repo', tag: 'tag', digest: DIGEST },
    },
    {
      name: 'localhost as the registry',
      text: `localhost/repo@${DIGEST}`,
      expected: { registry: 'localhost', repository: 'repo', digest: DIGEST },
    },
    {
      name: 'localhost with a port as the registry',
      text: `localhost:5000/team/repo@${DIGEST}`,
      expected: { registry: 'localhost:5000', repository: 'team/repo', digest: DIGEST },
    },
    {
      name: 'a bracketed IPv6 registry with a port',
      text: `[::1]:5000/web@${DIGEST}`,
      expected: { registry: '[::1]:5000', repository: 'web', digest: DIGEST },
    },
    {
      name: 'a first component without ".", ":" or localhost as part of the repository',
      text: `team/web@${DIGEST}`,
      expected: { repository: 'team/web', digest: DIGEST },
    },
    {
      name: 'the OCI separators ".", "_", "__" and runs of "-"',
      text: `team/a.b_c__d---e/f-g@${DIGEST}`,
      expected: { repository: 'team/a.b_c__d---e/f-g', digest: DIGEST },
    },
    {
      name: 'a registry host with uppercase letters, kept as written',
      text: `Registry.Example.com/web@${DIGEST}`,
      expected: { registry: 'Registry.Example.com', repository: 'web', digest: DIGEST },
    },
  ])('$name', ({ text, expected }) => {
    expect(parseImageRef(text, { requireDigest: true })).toStrictEqual(expected);
    expect(parseImageRef(text, { requireDigest: false })).toStrictEqual(expected);
  });

  it.each([
    { name: 'repo:tag', text: 'web:v2', expected: { repository: 'web', tag: 'v2' } },
    {
      name: 'registry/repo:tag',
      text: `${ECR}/team/web:2024.06.01-rc_1`,
      expected: { registry: ECR, repository: 'team/web', tag: '2024.06.01-rc_1' },
    },
    { name: 'a bare repository, with no tag invented', text: 'web', expected: { repository: 'web' } },
    {
      name: 'a numeric tag after a repository with no registry',
      text: 'web:5000',
      expected: { repository: 'web', tag: '5000' },
    },
  ])('$name when a digest is not required', ({ text, expected }) => {
    expect(parseImageRef(text, { requireDigest: false })).toStrictEqual(expected);
  });

  it('a repository of 256 characters and a tag of 128', () => {
    const repository = `${'a'.repeat(127)}/${'b'.repeat(128)}`;
    const tag = 'T'.repeat(128);
    expect(parseImageRef(`${repository}:${tag}`, { requireDigest: false })).toStrictEqual({
      repository,
      tag,
    });
  });

  it('a repository of 2 characters', () => {
    expect(parsePinnedImage(`ab@${DIGEST}`).repository).toBe('ab');
  });
});

describe('parseImageRef rejects', () => {
  it('empty input', () => {
    expect(rejectionOf('').message).toMatch(/empty.*repo@sha256:<64 hex>/);
  });

  it.each([
    { name: 'a leading space', text: ` web@${DIGEST}`, position: 1 },
    { name: 'a space inside', text: `web @${DIGEST}`, position: 4 },
    { name: 'a trailing newline', text: `web@${DIGEST}\n`, position: 76 },
    { name: 'a tab', text: `web:\tv2`, position: 5 },
  ])('whitespace: $name', ({ text, position }) => {
    const { message } = rejectionOf(text);
    expect(message).toContain(`whitespace at character ${position}`);
    expect(message).toContain('remove it');
  });

  it('uppercase in the repository, suggesting the lowercase name', () => {
    const { message } = rejectionOf(`${ECR}/Team/Web@${DIGEST}`);
    expect(message).toContain('uppercase letters in the repository "Team/Web"');
    expect(message).toContain('use "team/web"');
  });

  it('uppercase in a first component that is not a registry', () => {
    expect(rejectionOf(`MyTeam/web@${DIGEST}`).message).toContain('use "myteam/web"');
  });

  it.each([
    { name: 'too short', hex: HEX.slice(0, 63), length: 63 },
    { name: 'too long', hex: `${HEX}0`, length: 65 },
    { name: 'empty', hex: '', length: 0 },
  ])('a digest that is $name', ({ hex, length }) => {
    const { message } = rejectionOf(`web@sha256:${hex}`);
    expect(message).toContain(`digest of ${length} hex digits`);
    expect(message).toContain('exactly 64');
  });

  it('uppercase hex in the digest, giving the lowercase digest', () => {
    const { message } = rejectionOf(`web@sha256:${HEX.toUpperCase()}`);
    expect(message).toContain('uppercase hex');
    expect(message).toContain(`use lowercase: ${DIGEST}`);
  });

  it('non-hex characters in the digest', () => {
    expect(rejectionOf(`web@sha256:${'g'.repeat(64)}`).message).toContain('non-hex characters');
  });

  it.each(['sha512', 'sha384', 'SHA256'])('the digest algorithm %s, pointing at sha256', (algorithm) => {
    const { message } = rejectionOf(`web@${algorithm}:${'a'.repeat(128)}`);
    expect(message).toContain(`digest algorithm "${algorithm}"`);
    expect(message).toContain('ECR identifies images by sha256 digests');
  });

  it("'@' with no digest after it", () => {
    const { message } = rejectionOf('web@');
    expect(message).toContain("'@' but no digest");
    expect(message).toContain('repo@sha256:<64 hex>');
  });

  it("'@' followed by something that is not a digest", () => {
    expect(rejectionOf('web@v2').message).toContain('"v2" after \'@\', which is not a digest');
  });

  it('a digest without its algorithm, giving the fixed digest', () => {
    expect(rejectionOf(`web@${HEX}`).message).toContain(`write @${DIGEST}`);
  });

  it("more than one '@'", () => {
    expect(rejectionOf(`web@${DIGEST}@${DIGEST}`).message).toContain("more than one '@'");
  });

  it('a tag that is too long', () => {
    const { message } = rejectionOf(`web:${'t'.repeat(129)}`, false);
    expect(message).toContain('tag of 129 characters');
    expect(message).toContain('at most 128');
  });

  it.each([
    { name: 'a bad character', tag: 'v2!' },
    { name: 'a leading dot', tag: '.v2' },
    { name: 'a leading dash', tag: '-v2' },
    { name: 'a plus sign', tag: 'v2+build' },
  ])('a tag with $name', ({ tag }) => {
    const { message } = rejectionOf(`web:${tag}@${DIGEST}`);
    expect(message).toContain(`the tag "${tag}", which is not valid`);
    expect(message).toContain("letters, digits, '_', '.' and '-'");
  });

  it("':' with no tag after it", () => {
    expect(rejectionOf('web:', false).message).toContain("':' but no tag");
  });

  it.each([
    { name: 'a trailing dash', text: `web-@${DIGEST}`, component: 'web-' },
    { name: 'a leading separator', text: `_web@${DIGEST}`, component: '_web' },
    { name: 'a double dot', text: `team/a..b@${DIGEST}`, component: 'a..b' },
    { name: 'a triple underscore', text: `a___b@${DIGEST}`, component: 'a___b' },
    { name: 'a character outside the grammar', text: `we+b@${DIGEST}`, component: 'we+b' },
  ])('a repository component with $name', ({ text, component }) => {
    const { message } = rejectionOf(text);
    expect(message).toContain(`path component "${component}", which is not valid`);
    expect(message).toContain("'.', '_', '__' or '-'");
  });

  it.each([
    { name: 'a double slash', text: `team//web@${DIGEST}` },
    { name: 'a trailing slash', text: `${ECR}/web/@${DIGEST}` },
  ])('an empty repository component: $name', ({ text }) => {
    expect(rejectionOf(text).message).toContain('empty path component in the repository');
  });

  it.each([
    { name: 'nothing before the digest', text: `@${DIGEST}` },
    { name: 'nothing before the tag', text: ':v2' },
    { name: 'a registry and nothing after it', text: `${ECR}/@${DIGEST}` },
  ])('a missing repository: $name', ({ text }) => {
    expect(rejectionOf(text, false).message).toContain('no repository name');
  });

  it.each([
    { name: 'too short', repository: 'w', length: 1 },
    { name: 'too long', repository: `${'a'.repeat(128)}/${'b'.repeat(128)}`, length: 257 },
  ])('a repository name that is $name', ({ repository, length }) => {
    const { message } = rejectionOf(`${repository}@${DIGEST}`);
    expect(message).toContain(`repository name of ${length} characters`);
    expect(message).toContain('2 to 256');
  });

  it.each([
    { name: 'an underscore in the host', registry: 'my_registry.example.com' },
    { name: 'a port that is not a number', registry: 'registry:http' },
    { name: 'a label ending in a dash', registry: 'registry-.example.com' },
  ])('a registry with $name', ({ registry }) => {
    expect(rejectionOf(`${registry}/web@${DIGEST}`).message).toContain(
      `the registry "${registry}", which is not a valid host[:port]`,
    );
  });

  it('a mutable tag where a digest is required, saying how to get the digest', () => {
    expect(rejectionOf('web:v2').message).toBe(
      `image "web:v2" is a mutable tag; Cutover deploys only digest-pinned images (repo@sha256:<64 hex>). ` +
        `Get the digest with: aws ecr describe-images --repository-name web --image-ids imageTag=v2 ` +
        `--query 'imageDetails[0].imageDigest' --output text ` +
        `(or, on the local cloud, the digest printed by 'cutover local push web:v2').`,
    );
  });

  it('a mutable tag on an ECR registry, naming its account and region', () => {
    const { message } = rejectionOf(`${ECR}/team/web:v2`);
    expect(message).toContain('is a mutable tag');
    expect(message).toContain(
      'aws ecr describe-images --registry-id 123456789012 --region us-east-1 --repository-name team/web --image-ids imageTag=v2',
    );
    expect(message).toContain("'cutover local push team/web:v2'");
  });

  it('a mutable tag on a registry that is not ECR, pointing at docker buildx', () => {
    const { message } = rejectionOf('registry:5000/web:v2');
    expect(message).toContain('is a mutable tag');
    expect(message).toContain('docker buildx imagetools inspect registry:5000/web:v2');
    expect(message).not.toContain('aws ecr');
  });

  it('a bare repository where a digest is required, explaining it means :latest', () => {
    const { message } = rejectionOf('web');
    expect(message).toContain('no tag or digest, so Docker reads it as "web:latest", a mutable tag');
    expect(message).toContain('--repository-name web --image-ids imageTag=latest');
    expect(message).toContain("'cutover local push web:latest'");
  });

  it('a syntax problem before reporting the missing digest', () => {
    expect(rejectionOf('Web:v2').message).toContain('uppercase letters in the repository');
  });

  it('with the error name a state machine catches', () => {
    const error = rejectionOf('web:v2');
    expect(error.name).toBe('ImageReferenceInvalid');
    expect(() => parsePinnedImage('web:v2')).toThrow(ImageReferenceInvalid);
  });

  it('a very long input, quoting only its start', () => {
    const { message } = rejectionOf(`${'a'.repeat(1000)}:v2`);
    expect(message).toContain(`"${'a'.repeat(200)}…"`);
    expect(message.length).toBeLessThan(1000);
  });
});

describe('parsePinnedImage', () => {
  it('returns a reference whose digest is set', () => {
    const ref = parsePinnedImage(`web:v2@${DIGEST}`);
    expect(ref.digest).toBe(DIGEST);
    expect(isPinned(ref)).toBe(true);
  });

  it('rejects a tag alone', () => {
    expect(() => parsePinnedImage('web:v2')).toThrow(/mutable tag/);
  });
});

describe('formatImageRef', () => {
  it('writes every part in canonical order', () => {
    expect(formatImageRef({ registry: ECR, repository: 'team/web', tag: 'v2', digest: DIGEST })).toBe(
      `${ECR}/team/web:v2@${DIGEST}`,
    );
  });

  it.each([
    { name: 'the registry', ref: { repository: 'web', tag: 'v2', digest: DIGEST }, text: `web:v2@${DIGEST}` },
    { name: 'the tag', ref: { registry: 'localhost:5000', repository: 'web' }, text: 'localhost:5000/web' },
    { name: 'the digest', ref: { repository: 'web', tag: 'v2' }, text: 'web:v2' },
  ])('omits $name when absent', ({ ref, text }) => {
    expect(formatImageRef(ref)).toBe(text);
  });
});

describe('pinnedImage', () => {
  it('drops the tag, keeping registry, repository and digest', () => {
    expect(pinnedImage({ registry: ECR, repository: 'team/web', tag: 'v2', digest: DIGEST })).toBe(
      `${ECR}/team/web@${DIGEST}`,
    );
  });

  it('has no registry when the reference has none', () => {
    expect(pinnedImage(parsePinnedImage(`web:v2@${DIGEST}`))).toBe(`web@${DIGEST}`);
  });
});

describe('isDigest', () => {
  it('accepts sha256 and 64 lowercase hex', () => {
    expect(isDigest(DIGEST)).toBe(true);
  });

  it.each([
    { name: 'uppercase hex', text: `sha256:${HEX.toUpperCase()}` },
    { name: '63 hex', text: `sha256:${HEX.slice(1)}` },
    { name: 'another algorithm', text: `sha512:${HEX}` },
    { name: 'no algorithm', text: HEX },
    { name: 'a whole reference', text: `web@${DIGEST}` },
  ])('rejects $name', ({ text }) => {
    expect(isDigest(text)).toBe(false);
  });
});

describe('sameImage', () => {
  const ref = { registry: ECR, repository: 'team/web', tag: 'v1', digest: DIGEST };

  it('is true for the same registry, repository and digest, whatever the tag', () => {
    expect(sameImage(ref, { ...ref, tag: 'v2' })).toBe(true);
    expect(sameImage(ref, { registry: ECR, repository: 'team/web', digest: DIGEST })).toBe(true);
  });

  it('compares registry host names without regard to case', () => {
    expect(sameImage(ref, { ...ref, registry: ECR.toUpperCase() })).toBe(true);
  });

  it.each([
    { name: 'digest', other: { ...ref, digest: OTHER_DIGEST } },
    { name: 'repository', other: { ...ref, repository: 'team/api' } },
    { name: 'registry', other: { ...ref, registry: 'localhost:5000' } },
    { name: 'registry, when one has none', other: { repository: 'team/web', digest: DIGEST } },
  ])('is false for a different $name', ({ other }) => {
    expect(sameImage(ref, other)).toBe(false);
    expect(sameImage(other, ref)).toBe(false);
  });

  it('is false when neither has a digest, even with the same tag', () => {
    const tagged = { repository: 'web', tag: 'v2' };
    expect(sameImage(tagged, { ...tagged })).toBe(false);
  });
});
