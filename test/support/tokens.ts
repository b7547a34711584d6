const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Other spellings of a token's signature that a lenient base64url decoder reads as the same bytes:
 * padding, a trailing stray character, the standard `+/` alphabet, and a last character differing
 * only in the bits a 32-byte signature does not use. Each must be refused.
 */
export function malleatedTokens(token: string): string[] {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const standard = signature.replace(/-/g, '+').replace(/_/g, '/');
  const last = ALPHABET.indexOf(signature.slice(-1));
  const spareBits = signature.slice(0, -1) + (ALPHABET[last ^ 1] as string);
  return [`${signature}=`, `${signature}==`, `${signature}.`, `${signature}!`, `${standard}=`, standard, spareBits]
    .filter((variant) => variant !== signature)
    .map((variant) => `${header}.${payload}.${variant}`);
}

/** Signs until the signature holds `-` or `_`, so its `+/` spelling differs (about 3 in 4 do at once). */
export function tokenWithUrlAlphabet(sign: () => string): string {
  for (;;) {
    const token = sign();
    if (/[-_]/.test(token.split('.')[2] as string)) return token;
  }
}
