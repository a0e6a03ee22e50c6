/** Width and height in pixels. */
export interface Dimensions {
  width: number;
  height: number;
}

/** How many leading bytes `imageDimensions` may need (JPEG metadata can come before the frame). */
export const dimensionsHeadBytes = 256 * 1024;

/**
 * The pixel size of an image from its first bytes: PNG's IHDR chunk, or the first JPEG
 * start-of-frame marker. Undefined for DICOM, for anything unrecognised and for a zero size.
 */
export function imageDimensions(contentType: string, head: Uint8Array): Dimensions | undefined {
  const bytes = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  const found = contentType === 'image/png' ? pngDimensions(bytes) : contentType === 'image/jpeg' ? jpegDimensions(bytes) : undefined;
  if (found === undefined || found.width < 1 || found.height < 1 || found.width > 65535 || found.height > 65535) return undefined;
  return found;
}

const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngDimensions(bytes: Buffer): Dimensions | undefined {
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(pngSignature) || bytes.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

// SOF0-SOF15 carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not.
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function jpegDimensions(bytes: Buffer): Dimensions | undefined {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return undefined;
    const marker = bytes[offset + 1] ?? 0;
    // Fill bytes (0xFF 0xFF) and markers without a length (RSTn, TEM) are one step each.
    if (marker === 0xff || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += marker === 0xff ? 1 : 2;
      continue;
    }
    if (isStartOfFrame(marker)) return offset + 9 <= bytes.length ? { height: bytes.readUInt16BE(offset + 5), width: bytes.readUInt16BE(offset + 7) } : undefined;
    if (marker === 0xd9 || marker === 0xda) return undefined;
    offset += 2 + bytes.readUInt16BE(offset + 2);
  }
  return undefined;
}
