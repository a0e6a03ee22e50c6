import { createHash, randomBytes, randomUUID } from 'node:crypto';

const base62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A new opaque id: the prefix, an underscore and 20 random base62 characters (~119 bits). */
export function newId(prefix: 'stu' | 'img' | 'asm' | 'rev' | 'evt' | 'usr' | 'org'): string {
  let id = `${prefix}_`;
  while (id.length < prefix.length + 21) {
    for (const byte of randomBytes(32)) {
      // 248 = 4 * 62: dropping the bytes above it keeps every character equally likely.
      if (byte < 248 && id.length < prefix.length + 21) id += base62[byte % 62];
    }
  }
  return id;
}

/** A new DICOM UID under the 2.25 root: a random UUID written as one decimal integer. */
export function newDicomUid(): string {
  return `2.25.${BigInt(`0x${randomUUID().replaceAll('-', '')}`).toString()}`;
}

/** A DICOM UID under 2.25 derived from `seed`: the same seed always gives the same UID. */
export function dicomUidFrom(seed: string): string {
  const digest = createHash('sha256').update(seed).digest('hex').slice(0, 32);
  return `2.25.${BigInt(`0x${digest}`).toString()}`;
}
