import { z } from 'zod';
import { pagination, success, uuid } from './common';
import { defineRoutes } from './route';

// Field limits of the original model: username 15, names 30, email 50.
export const username = z
  .string()
  .trim()
  .min(1)
  .max(15)
  .regex(/^[A-Za-z0-9._-]+$/, 'may hold letters, digits, ".", "_" and "-"');
export const personName = z.string().trim().min(1).max(30);
export const email = z.email({ message: 'must be an email address' }).max(50);
// Long enough to resist guessing; bounded so a huge string cannot make hashing expensive.
export const password = z.string().min(8, 'must be at least 8 characters').max(200);
export const slug = z
  .string()
  .min(3)
  .max(40)
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, 'may hold lower-case letters, digits and inner "-"');
export const role = z.enum(['admin', 'facilitator', 'member']);
export const friendsRequest = z.enum(['NO_ONE', 'ANYONE']);
export const presence = z.enum(['ONLINE', 'OFFLINE']);
/** Which kinds of notification the user wants; an absent key means yes. */
export const notificationPrefs = z.strictObject({
  dojoInvitations: z.boolean().optional(),
  dojoStarting: z.boolean().optional(),
  reportReady: z.boolean().optional(),
  videoReady: z.boolean().optional(),
  email: z.boolean().optional(),
});

/** Base64 of at most 2 MiB decoded (4/3 of it, rounded up to a quantum), optionally as a data URL. */
export const MAX_PICTURE_BYTES = 2 * 1024 * 1024;
const image = z
  .string()
  .min(1)
  .max(Math.ceil(MAX_PICTURE_BYTES / 3) * 4 + 64, 'must be at most 2 MB');

// Request schemas: the gateway checks them, and the actor checks the same on every call.
export const signupBody = z.object({ name: z.string().trim().min(1).max(100), slug, admin: z.object({ firstName: personName, lastName: personName, email, username, password }) });
export const registerBody = z.object({ tenant: slug, firstName: personName, lastName: personName, email, username, password });
export const confirmBody = z.object({ token: z.string().min(1).max(200) });
export const resendConfirmationBody = z.object({ tenant: slug, email });
export const loginBody = z.object({ tenant: slug, username, password: z.string().min(1).max(200) });
export const refreshBody = z.object({ refreshToken: z.string().min(1).max(200) });
export const logoutBody = z.object({ username: username.optional() });
export const userListQuery = z.object(pagination(50, 200));
export const userQuery = z
  .object({ user_id: uuid.optional(), username: username.optional() })
  .refine((q) => q.user_id || q.username, { message: 'user_id or username is required', path: ['user_id'] });
export const profileBody = z.object({
  user_id: uuid,
  firstName: personName.optional(),
  lastName: personName.optional(),
  friendsRequest: friendsRequest.optional(),
  notifications: notificationPrefs.optional(),
});
export const statusBody = z.object({ status: presence });
export const pictureBody = z.object({ user_id: uuid, image });
export const notificationsQuery = z.object({ user_id: uuid.optional(), unread: z.enum(['true', 'false']).optional(), ...pagination(50, 50) });
export const messagesQuery = z.object({ user_id: uuid.optional(), room_id: uuid });
export const deleteMessagesBody = z.object({ user_id: uuid, messages_id: z.array(uuid).min(1).max(100) });
export const markNotificationsBody = z
  .object({ notification_ids: z.array(uuid).min(1).max(100).optional(), all: z.boolean().optional(), read: z.boolean().default(true) })
  .refine((b) => b.notification_ids || b.all, { message: 'notification_ids or all is required', path: ['notification_ids'] });
export const paymentBody = z.object({
  tenant_id: uuid,
  /** Optional: the plan sets the price; a total that differs from it is refused, never charged. */
  total: z.number().positive().max(1_000_000).multipleOf(0.01, 'must have at most 2 decimals').optional(),
  payment_gateway: z.string().min(1).max(30),
  plan: z.enum(['M', 'Y']),
  autorenew: z.boolean().default(true),
});

const tokenPair = z.object({ userId: uuid, token: z.string(), refreshToken: z.string(), expiresIn: z.number(), tokenType: z.literal('Bearer') });
const profile = z.object({ firstName: z.string(), lastName: z.string(), email: z.string(), picture: z.string().nullable(), friendsRequest, notifications: notificationPrefs });
const user = z.object({ id: uuid, username: z.string(), role, firstName: z.string(), lastName: z.string(), email: z.string(), picture: z.string().nullable(), status: presence, friendsRequest });
const member = z.object({ id: uuid, username: z.string(), firstName: z.string(), lastName: z.string(), email: z.string(), role, account_status: z.enum(['C', 'A', 'D']), created: z.string() });
const notification = z.object({ id: uuid, type: z.string(), title: z.string(), body: z.string(), data: z.record(z.string(), z.unknown()), read: z.boolean(), created: z.string() });
const message = z.object({ id: uuid, room_id: uuid, user_id: uuid, text: z.string(), status: z.literal('A'), created: z.string() });
const payment = z.object({ id: uuid, total: z.number(), currency: z.string(), plan: z.enum(['M', 'Y']), payment_gateway: z.string(), status: z.string(), created: z.string() });

/** A tenant's plan and whether it is paid up (GET /v1/billing, and the tenant overview of protocol/rest/reports.ts). */
export const billingState = z.object({
  plan: z.enum(['M', 'Y']).nullable(),
  price: z.number().nullable(),
  currency: z.string(),
  expiration: z.string().nullable(),
  autorenew: z.boolean(),
  active: z.boolean(),
});

export const TENANT_ROUTES = defineRoutes([
  {
    method: 'POST',
    path: '/v1/tenants',
    auth: 'public',
    action: 'tenant.signup',
    tag: 'tenants',
    status: 201,
    rateLimitPerMinute: 120,
    summary: 'Sign up a tenant and its first admin; the admin confirms by mail before logging in',
    body: signupBody,
    response: z.object({ tenant_id: uuid, admin_user_id: uuid, account_status: z.literal('C') }),
  },
  {
    method: 'POST',
    path: '/v1/account',
    auth: 'public',
    action: 'tenant.register',
    tag: 'accounts',
    status: 201,
    rateLimitPerMinute: 300,
    summary: 'Create an account in a tenant (by slug); a confirmation mail with a 24 h single-use token follows',
    body: registerBody,
    response: z.object({ id: uuid, account_status: z.literal('C') }),
  },
  {
    method: 'POST',
    path: '/v1/account/confirm',
    auth: 'public',
    action: 'tenant.confirm',
    tag: 'accounts',
    rateLimitPerMinute: 300,
    summary: 'Confirm an account with the token from its mail',
    body: confirmBody,
    response: z.object({ id: uuid, account_status: z.literal('A') }),
  },
  {
    method: 'POST',
    path: '/v1/account/confirm/resend',
    auth: 'public',
    action: 'tenant.resendConfirmation',
    tag: 'accounts',
    rateLimitPerMinute: 30,
    summary: 'Send a fresh confirmation mail to an unconfirmed account; always answers success so it reveals no account',
    body: resendConfirmationBody,
    response: success,
  },
  {
    method: 'POST',
    path: '/v1/login',
    auth: 'public',
    action: 'tenant.login',
    tag: 'auth',
    rateLimitPerMinute: 600,
    summary: 'Log in: a 15-minute access token and a rotating refresh token',
    body: loginBody,
    response: tokenPair,
  },
  {
    method: 'POST',
    path: '/v1/token/refresh',
    auth: 'public',
    action: 'tenant.refresh',
    tag: 'auth',
    rateLimitPerMinute: 600,
    summary: 'Exchange a refresh token for a new pair; reusing a rotated one ends the whole session',
    body: refreshBody,
    response: tokenPair,
  },
  {
    method: 'POST',
    path: '/v1/logout',
    auth: 'user',
    action: 'tenant.logout',
    tag: 'auth',
    summary: "End the caller's session: its access and refresh tokens stop working at once",
    body: logoutBody,
    response: success,
  },
  {
    method: 'GET',
    path: '/v1/users',
    auth: 'user',
    action: 'tenant.listUsers',
    tag: 'users',
    summary: "The tenant's users (admins only)",
    query: userListQuery,
    response: z.object({ users: z.array(member), total: z.number(), limit: z.number(), offset: z.number() }),
  },
  {
    method: 'PUT',
    path: '/v1/users/{id}/role',
    auth: 'user',
    action: 'tenant.setRole',
    tag: 'users',
    summary: "Change a user's role (admins only); a demoted user's sessions end",
    params: z.object({ id: uuid }),
    body: z.object({ role }),
    response: z.object({ id: uuid, role }),
  },
  {
    method: 'GET',
    path: '/v1/user',
    auth: 'user',
    action: 'tenant.getUser',
    tag: 'users',
    summary: "A user of the caller's tenant by user_id or username",
    query: userQuery,
    response: user,
  },
  {
    method: 'POST',
    path: '/v1/account/profile',
    auth: 'user',
    action: 'tenant.updateProfile',
    tag: 'users',
    summary: "Update the caller's names, friend-request policy and notification preferences",
    body: profileBody,
    response: profile,
  },
  {
    method: 'POST',
    path: '/v1/user/status',
    auth: 'user',
    action: 'tenant.setStatus',
    tag: 'users',
    summary: 'Declare ONLINE or OFFLINE for the next 10 minutes; otherwise status follows open WebSocket sessions',
    body: statusBody,
    response: success,
  },
  {
    method: 'POST',
    path: '/v1/user/picture',
    auth: 'user',
    action: 'tenant.setPicture',
    tag: 'users',
    summary: "Set the caller's picture: base64 PNG, JPEG or WebP, at most 2 MB",
    body: pictureBody,
    response: z.object({ success: z.boolean(), picture: z.string() }),
  },
  {
    method: 'GET',
    path: '/v1/user/notification',
    auth: 'user',
    action: 'tenant.notifications',
    tag: 'notifications',
    summary: "The caller's notifications, newest first",
    query: notificationsQuery,
    response: z.object({ notifications: z.array(notification), unread: z.number() }),
  },
  {
    method: 'POST',
    path: '/v1/user/notification/read',
    auth: 'user',
    action: 'tenant.markNotifications',
    tag: 'notifications',
    summary: 'Mark notifications read (or unread with read=false); `all` marks every one',
    body: markNotificationsBody,
    response: z.object({ success: z.boolean(), updated: z.number() }),
  },
  {
    method: 'GET',
    path: '/v1/user/messages',
    auth: 'user',
    action: 'tenant.messages',
    tag: 'messages',
    summary: "A user's active chat messages in a dojo room, oldest first",
    query: messagesQuery,
    response: z.object({ messages: z.array(message) }),
  },
  {
    method: 'POST',
    path: '/v1/user/messages',
    auth: 'user',
    action: 'tenant.deleteMessages',
    tag: 'messages',
    summary: "Remove some of the caller's own chat messages (soft delete)",
    body: deleteMessagesBody,
    response: success,
  },
  {
    method: 'POST',
    path: '/v1/payment',
    auth: 'user',
    action: 'tenant.pay',
    tag: 'billing',
    headers: ['idempotency-key'],
    summary: 'Pay for a plan (admins only). The Idempotency-Key header makes retries safe: one key, one charge',
    body: paymentBody,
    response: z.object({ success: z.boolean(), payment_id: uuid, status: z.enum(['APPROVED', 'DECLINED']), decline_reason: z.string().optional() }),
  },
  {
    method: 'GET',
    path: '/v1/billing',
    auth: 'user',
    action: 'tenant.billing',
    tag: 'billing',
    summary: "The tenant's plan, price, expiration and autorenew, with its latest payments (admins only)",
    response: z.object({ tenant_id: uuid, ...billingState.shape, payments: z.array(payment) }),
  },
]);
