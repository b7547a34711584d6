/**
 * WebSocket close codes of `/v1/ws`, shared by the gateway, the tests and the client SDK.
 * Standard codes where the meaning is standard (RFC 6455 §7.4.1); 4xxx codes tell the client
 * what to do next, so a client switches on the code and never parses the reason.
 */
export const CloseCode = {
  /** The node is stopping: reconnect (to any node) and `session.resume`. */
  GOING_AWAY: 1001,
  /** The client kept flooding after being told to slow down. */
  POLICY_VIOLATION: 1008,
  /** Another socket resumed this session: this one is stale; do not reconnect it. */
  RESUMED_ELSEWHERE: 4000,
  /** The login session ended (logout, refresh-token reuse, role lowered): log in again. */
  SESSION_REVOKED: 4001,
  /** The access token expired without a `session.refresh`: refresh over REST, reconnect, `session.resume`. */
  TOKEN_EXPIRED: 4002,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** The reason sent with each code (for logs and people; clients act on the code). */
export const CLOSE_REASON: Readonly<Record<CloseCode, string>> = {
  [CloseCode.GOING_AWAY]: 'server shutting down',
  [CloseCode.POLICY_VIOLATION]: 'too many messages',
  [CloseCode.RESUMED_ELSEWHERE]: 'session resumed elsewhere',
  [CloseCode.SESSION_REVOKED]: 'session revoked',
  [CloseCode.TOKEN_EXPIRED]: 'access token expired',
};
