type Crypto = { randomUUID?: () => string; getRandomValues?: (bytes: Uint8Array) => Uint8Array };

/**
 * A fresh id for a chat message (its clientMsgId). crypto.randomUUID where the runtime has it
 * (browsers, Node); React Native has it with react-native-get-random-values or expo-crypto; the
 * last resort only needs to be unique among one user's messages, which time plus randomness is.
 */
export function newClientMsgId(): string {
  const crypto = (globalThis as { crypto?: Crypto }).crypto;
  if (crypto?.randomUUID) return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  if (crypto?.getRandomValues) crypto.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return `${Date.now().toString(36)}-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
