import { describe, expect, it } from 'vitest';
import { shortDigest, shortImage } from '../../shared/domain/image-words.js';

const DIGEST = `sha256:1a2b3c4d5e6f${'0'.repeat(52)}`;

describe('shortDigest', () => {
  it('keeps the algorithm and the first 12 hex digits of a bare digest', () => {
    expect(shortDigest(DIGEST)).toBe('sha256:1a2b3c4d5e6f');
  });

  it('finds the digest in an image reference', () => {
    expect(shortDigest(`123456789012.dkr.ecr.us-east-1.amazonaws.com/web@${DIGEST}`)).toBe(
      'sha256:1a2b3c4d5e6f',
    );
  });

  it('shows text without a digest as it is, rather than hiding it', () => {
    expect(shortDigest('web:v2')).toBe('web:v2');
  });
});

describe('shortImage', () => {
  it('drops the registry and shortens the digest', () => {
    expect(shortImage(`123456789012.dkr.ecr.us-east-1.amazonaws.com/team/web@${DIGEST}`)).toBe(
      'team/web@sha256:1a2b3c4d5e6f',
    );
  });

  it('keeps a repository path without a registry', () => {
    expect(shortImage(`team/web@${DIGEST}`)).toBe('team/web@sha256:1a2b3c4d5e6f');
    expect(shortImage(`localhost/web@${DIGEST}`)).toBe('web@sha256:1a2b3c4d5e6f');
  });
});
