import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/app-config';
import { SecretBox } from './secret-box.service';

describe('SecretBox', () => {
  const box = new SecretBox(loadConfig({}));

  it('round-trips and never stores the plain text', () => {
    const sealed = box.encrypt('token-123');
    expect(sealed).not.toContain('token-123');
    expect(sealed.startsWith('v1.')).toBe(true);
    expect(box.decrypt(sealed)).toBe('token-123');
  });

  it('uses a fresh IV each time', () => {
    expect(box.encrypt('same')).not.toBe(box.encrypt('same'));
  });

  it('rejects tampered ciphertext (GCM authentication)', () => {
    const [v, iv, tag, body] = box.encrypt('secret').split('.');
    const flipped = Buffer.from(body, 'base64url');
    flipped[0] ^= 1;
    expect(() => box.decrypt([v, iv, tag, flipped.toString('base64url')].join('.'))).toThrow();
  });

  it('rejects a value sealed with another key', () => {
    const other = new SecretBox(loadConfig({ ENCRYPTION_KEY: 'b'.repeat(64) }));
    expect(() => box.decrypt(other.encrypt('secret'))).toThrow();
  });
});
