// Image attachments: validation against the server's limits, and data URLs.

export interface Attachment {
  id: string;
  name: string;
  type: string;
  size: number;
  dataUrl: string;
}

export interface ImageLimits {
  maxImageBytes: number;
  imageTypes: string[];
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10240 ? 1 : 0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function typeNames(types: string[]): string {
  const names = types.map((t) => t.replace(/^image\//, '').toUpperCase().replace('JPEG', 'JPEG'));
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}` : names.join('');
}

/** A sentence explaining why the file can't be attached, or null when it can. */
export function validateImage(file: { name: string; type: string; size: number }, limits: ImageLimits): string | null {
  if (!limits.imageTypes.includes(file.type)) {
    const what = file.type.startsWith('image/') ? 'is an image type this server does not accept' : 'is not an image';
    return `“${file.name}” ${what}. Attach ${typeNames(limits.imageTypes)} files.`;
  }
  if (file.size > limits.maxImageBytes) {
    return `“${file.name}” is ${formatBytes(file.size)}; images can be at most ${formatBytes(limits.maxImageBytes)}.`;
  }
  if (file.size === 0) return `“${file.name}” is empty.`;
  return null;
}

export function readAsDataUrl(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsDataURL(file);
  });
}

let seq = 0;
export async function toAttachment(file: File): Promise<Attachment> {
  return { id: `a${++seq}`, name: file.name || 'pasted image', type: file.type, size: file.size, dataUrl: await readAsDataUrl(file) };
}
