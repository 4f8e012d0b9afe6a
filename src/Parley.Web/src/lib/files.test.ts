import { describe, expect, it } from 'vitest';
import { validateImage } from './files';

const limits = { maxImageBytes: 1024 * 1024, imageTypes: ['image/png', 'image/jpeg'] };

describe('validateImage', () => {
  it('accepts an allowed image within the size limit', () => {
    expect(validateImage({ name: 'a.png', type: 'image/png', size: 2000 }, limits)).toBeNull();
  });
  it('refuses files that are not images', () => {
    expect(validateImage({ name: 'a.zip', type: 'application/zip', size: 10 }, limits)).toMatch(/“a.zip” is not an image\. Attach PNG or JPEG files\./);
    expect(validateImage({ name: 'b', type: '', size: 10 }, limits)).toMatch(/is not an image/);
  });
  it('refuses image types the server does not take', () => {
    expect(validateImage({ name: 'a.bmp', type: 'image/bmp', size: 10 }, limits)).toMatch(/image type this server does not accept/);
  });
  it('refuses images over the limit, saying both sizes', () => {
    expect(validateImage({ name: 'big.png', type: 'image/png', size: 3 * 1024 * 1024 }, limits)).toBe('“big.png” is 3.0 MB; images can be at most 1.0 MB.');
  });
});
