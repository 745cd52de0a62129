// Byte helpers shared by the decoder, the encoder and the size estimator.

const BASE64_PATTERN = /^[A-Za-z0-9+/]*={0,2}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Strict base64 check: Node's decoder silently skips invalid characters, we must not. */
export function isBase64(text: string): boolean {
  return text.length % 4 === 0 && BASE64_PATTERN.test(text);
}

/** Decodes base64 already checked with `isBase64`. */
export function fromBase64(text: string): Uint8Array {
  return Buffer.from(text, 'base64');
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Length of the base64 text of `byteLength` bytes (with padding). */
export function base64Length(byteLength: number): number {
  return Math.ceil(byteLength / 3) * 4;
}

/** UTF-8 decode that throws `TypeError` on invalid sequences instead of inserting U+FFFD. */
export function decodeUtf8(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

/** Header numbers (signed Java bytes, or unsigned) to bytes. */
export function headerNumbersToBytes(numbers: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(numbers.length);
  for (let i = 0; i < numbers.length; i++) bytes[i] = (numbers[i] as number) & 0xff;
  return bytes;
}

/** Bytes to the signed numbers Lambda writes for header values (Java `byte` is signed). */
export function bytesToHeaderNumbers(bytes: Uint8Array): number[] {
  const numbers = new Array<number>(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    numbers[i] = byte > 127 ? byte - 256 : byte;
  }
  return numbers;
}

/** JSON text length of each byte 0..255 written as a signed number ("-1" for 0xff). */
export const SIGNED_BYTE_TEXT_LENGTH: readonly number[] = Array.from({ length: 256 }, (_, byte) =>
  String(byte > 127 ? byte - 256 : byte).length,
);
