import { describe, expect, it } from 'vitest';
import { describeSources, isDocument, validateDocument, validateImage } from './files';

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

describe('validateDocument', () => {
  const docs = { maxDocumentBytes: 2048, documentExtensions: ['.txt', '.pdf', '.docx'] };
  it('accepts listed extensions within the limit, whatever the case', () => {
    expect(validateDocument({ name: 'Report.PDF', size: 100 }, docs)).toBeNull();
    expect(isDocument({ name: 'a.docx' }, docs)).toBe(true);
  });
  it('refuses other extensions, oversize and empty files', () => {
    expect(validateDocument({ name: 'a.exe', size: 10 }, docs)).toMatch(/not a document type/);
    expect(validateDocument({ name: 'a.txt', size: 4096 }, docs)).toBe('“a.txt” is 4.0 KB; documents can be at most 2.0 KB.');
    expect(validateDocument({ name: 'a.txt', size: 0 }, docs)).toMatch(/is empty/);
  });
  it('treats everything as not a document when the server takes none', () => {
    expect(isDocument({ name: 'a.txt' }, { maxDocumentBytes: 0, documentExtensions: ['.txt'] })).toBe(false);
  });
});

describe('describeSources', () => {
  it('says which documents were read whole and which excerpts of the long ones', () => {
    expect(describeSources([
      { name: 'a.md', whole: true, chunkCount: 1, chunks: [1] },
      { name: 'b.pdf', whole: false, chunkCount: 12, chunks: [2, 5] },
      { name: 'c.txt', whole: false, chunkCount: 3, chunks: [1] },
    ])).toBe('Read from: a.md (whole) · b.pdf (excerpts 2, 5 of 12) · c.txt (excerpt 1 of 3)');
  });
});
