import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ImageReferenceInvalid } from '../../shared/domain/errors.js';
import type { ImageRef, PinnedImageRef } from '../../shared/domain/image-ref.js';
import {
  formatImageRef,
  isDigest,
  parseImageRef,
  pinnedImage,
  sameImage,
} from '../../shared/domain/image-ref.js';

// Generators build valid references from the grammar's pieces rather than from the
// parser's own regular expressions, so a wrong pattern in the parser shows up here.

const alphanumeric = fc.stringMatching(/^[a-z0-9]{1,8}$/);
const separator = fc.constantFrom('.', '_', '__', '-', '--', '---');
const pathComponent = fc
  .tuple(alphanumeric, fc.array(fc.tuple(separator, alphanumeric), { maxLength: 3 }))
  .map(([head, rest]) => head + rest.map(([sep, part]) => sep + part).join(''));
const repository = fc
  .array(pathComponent, { minLength: 1, maxLength: 4 })
  .map((components) => components.join('/'))
  .filter((name) => name.length >= 2 && name.length <= 256);

const label = fc.stringMatching(/^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,10}[a-zA-Z0-9])?$/);
const port = fc.integer({ min: 1, max: 65535 }).map((n) => `:${n}`);
const registry = fc.oneof(
  fc
    .tuple(fc.array(label, { minLength: 2, maxLength: 4 }), fc.option(port, { nil: '' }))
    .map(([labels, suffix]) => labels.join('.') + suffix),
  fc.tuple(label, port).map(([host, suffix]) => host + suffix),
  fc.option(port, { nil: '' }).map((suffix) => `localhost${suffix}`),
  fc.constantFrom('123456789012.dkr.ecr.us-east-1.amazonaws.com', '[::1]:5000'),
);

const tag = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/);
const digest = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .map((bytes) => `sha256:${Buffer.from(bytes).toString('hex')}`);

/** Without a registry, a first component like `a.b` or `localhost` would be read as one. */
function isUnambiguous(ref: ImageRef): boolean {
  const [first, ...rest] = ref.repository.split('/');
  return ref.registry !== undefined || rest.length === 0 || !(first?.includes('.') || first === 'localhost');
}

const imageRef: fc.Arbitrary<ImageRef> = fc
  .record({ registry, repository, tag, digest }, { requiredKeys: ['repository'], noNullPrototype: true })
  .filter(isUnambiguous);

const pinnedRef: fc.Arbitrary<PinnedImageRef> = fc
  .record(
    { registry, repository, tag, digest },
    { requiredKeys: ['repository', 'digest'], noNullPrototype: true },
  )
  .filter(isUnambiguous);

describe('image references (properties)', () => {
  it('parseImageRef(formatImageRef(ref)) gives back the same reference', () => {
    fc.assert(
      fc.property(imageRef, (ref) => {
        expect(parseImageRef(formatImageRef(ref), { requireDigest: false })).toStrictEqual(ref);
      }),
    );
  });

  it('a pinned reference round-trips when a digest is required', () => {
    fc.assert(
      fc.property(pinnedRef, (ref) => {
        expect(parseImageRef(formatImageRef(ref), { requireDigest: true })).toStrictEqual(ref);
      }),
    );
  });

  it('a pinned reference with its digest replaced by a tag is rejected, with a hint naming the tag', () => {
    fc.assert(
      fc.property(pinnedRef, tag, (ref, replacement) => {
        const text = formatImageRef({ registry: ref.registry, repository: ref.repository, tag: replacement });
        expect(() => parseImageRef(text, { requireDigest: true })).toThrow(ImageReferenceInvalid);
        expect(() => parseImageRef(text, { requireDigest: true })).toThrow(
          `is a mutable tag; Cutover deploys only digest-pinned images`,
        );
        expect(() => parseImageRef(text, { requireDigest: true })).toThrow(
          `${ref.repository}:${replacement}`,
        );
        expect(parseImageRef(text, { requireDigest: false }).tag).toBe(replacement);
      }),
    );
  });

  it('the task-definition image names the same image, without the tag', () => {
    fc.assert(
      fc.property(pinnedRef, (ref) => {
        const parsed = parseImageRef(pinnedImage(ref), { requireDigest: true });
        expect(sameImage(parsed, ref)).toBe(true);
        expect(parsed.tag).toBeUndefined();
      }),
    );
  });

  it('any text either parses or is rejected with ImageReferenceInvalid, never another error', () => {
    const text = fc.oneof(
      fc.string(),
      fc.string({ unit: fc.constantFrom(...'aA0.:_-/@ sha256f'.split('')), maxLength: 40 }),
      imageRef
        .map(formatImageRef)
        .chain((valid) =>
          fc.nat({ max: valid.length }).map((at) => valid.slice(0, at) + valid.slice(at + 1)),
        ),
    );
    fc.assert(
      fc.property(text, fc.boolean(), (input, requireDigest) => {
        let ref: ImageRef;
        try {
          ref = parseImageRef(input, { requireDigest });
        } catch (error) {
          expect(error).toBeInstanceOf(ImageReferenceInvalid);
          return;
        }
        // Whatever is accepted is already canonical, and pinned when a digest is required.
        expect(formatImageRef(ref)).toBe(input);
        if (requireDigest) expect(isDigest(ref.digest ?? '')).toBe(true);
      }),
    );
  });
});
