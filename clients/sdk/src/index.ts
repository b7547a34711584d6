// The pocdojo client SDK: REST with token refresh, one WebSocket with resume, rooms with chat
// and shared Yjs code. No DOM-only API in here: it runs in browsers, Node 20 (with `ws`) and
// React Native. Media plugs in through the MediaClient interface (media.ts).
export { PocdojoClient, type ClientOptions } from './client';
export { RestClient, type FetchLike, type RestOptions } from './rest';
export { Auth, type AuthEvents, type Credentials } from './auth';
export { Connection, type ConnectionEvents, type ConnectionOptions, type ConnectionState, type WebSocketConstructor, type WebSocketLike } from './connection';
export { Room, type RoomEvents, type RoomOptions, type RoomState } from './room';
export { SharedCode, CODE_TEXT, type CodeChannel } from './code';
export { PocdojoError, type ClientErrorCode } from './errors';
export { backoffDelay, type BackoffOptions } from './backoff';
export { Emitter } from './events';
export { newClientMsgId } from './ids';
export type { MediaClient, MediaPush, RoomMediaContext } from './media';
export type { OutgoingMessage } from './chat';
export type { ChatMessage, JoinReply, Participant, WsReply, WsRequestData } from './wire';
export type { PublicRouteKey, RouteInput, RouteKey, RouteOutput, UserRouteKey } from './routes';
export type { PushData, PushFrame, PushMethod } from '../../../protocol/push';
export type { WsMethod } from '../../../protocol/ws';
export { CloseCode } from '../../../protocol/closeCodes';
