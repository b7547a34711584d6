import type { Context, ServiceSchema } from 'moleculer';
import type { Infrastructure } from '../../infra/infrastructure';
import { caller, type AuthContext, type CallMeta } from '../auth';
import { requireAdmin } from './access';
import { accountActions } from './accountActions';
import { adminActions } from './adminActions';
import { createDomain, startSink, type TenantDomain } from './domain';
import { FieldValidationError, ForbiddenError, NotFoundError } from './errors';
import type { NotificationRequest } from './Notifications';
import { countedLogin, registerLoginMetrics } from './metrics';
import { PARAMS } from './params';
import { USER_PUSH_EVENT } from '../../protocol/push';
import { decodePicture } from './Pictures';
import type { SessionRef } from './Presence';
import type { Role } from './Users';
import { memberView, profileView, userView } from './views';
import { announceDataChanged, announcesDataChanges } from '../dataChanged';

type Ctx<P = Record<string, never>> = Context<P, CallMeta>;

const RANK: Record<Role, number> = { member: 0, facilitator: 1, admin: 2 };

/**
 * The tenant actor: tenants, accounts, sessions, users, presence, notifications, billing.
 * A thin schema over the domain classes; every query runs inside the caller's tenant.
 */
export function createTenantService(infra: Infrastructure): ServiceSchema {
  let d: TenantDomain;
  registerLoginMetrics();
  const profileCache = (tenantId: string) => `tenant.userProfile:${tenantId}|**`;

  /** Acting on another user's data: 404 if they are not in the caller's tenant, 403 if they are. */
  async function ownOnly(auth: AuthContext, userId: string | undefined): Promise<string> {
    if (!userId || userId === auth.userId) return auth.userId;
    await d.users.find(auth.tenantId, { id: userId });
    throw new ForbiddenError('Only your own data can be used here');
  }

  return {
    name: 'tenant',
    // Members by role and status count in the tenant overview; the settings hold its time zone.
    hooks: announcesDataChanges({ 'setRole|setUserStatus|deleteAccount|updateTenant': true }),
    actions: {
      ...adminActions(() => d, profileCache),
      ...accountActions(() => d, profileCache),
      signup: {
        params: PARAMS.signup,
        async handler(ctx: Ctx<{ name: string; slug: string; admin: { firstName: string; lastName: string; email: string; username: string; password: string } }>) {
          const { tenantId, userId } = await d.accounts.signup(ctx.params);
          return { tenant_id: tenantId, admin_user_id: userId, account_status: 'C' };
        },
      },
      register: {
        params: PARAMS.register,
        async handler(ctx: Ctx<{ tenant: string; firstName: string; lastName: string; email: string; username: string; password: string }>) {
          const { tenant, ...user } = ctx.params;
          const { userId } = await d.accounts.register(tenant, user);
          return { id: userId, account_status: 'C' };
        },
      },
      confirm: {
        params: PARAMS.confirm,
        async handler(ctx: Ctx<{ token: string }>) {
          const { userId } = await d.accounts.confirm(ctx.params.token);
          return { id: userId, account_status: 'A' };
        },
      },
      resendConfirmation: {
        params: PARAMS.resendConfirmation,
        async handler(ctx: Ctx<{ tenant: string; email: string }>) {
          await d.accounts.resend(ctx.params.tenant, ctx.params.email);
          return { success: true };
        },
      },
      login: {
        params: PARAMS.login,
        handler(ctx: Ctx<{ tenant: string; username: string; password: string }>) {
          return countedLogin(d.sessions.login({ ...ctx.params, ip: ctx.meta.ip, userAgent: ctx.meta.userAgent }));
        },
      },
      refresh: {
        params: PARAMS.refresh,
        handler(ctx: Ctx<{ refreshToken: string }>) {
          return d.sessions.refresh(ctx.params.refreshToken);
        },
      },
      logout: {
        params: PARAMS.logout,
        async handler(ctx: Ctx<{ username?: string }>) {
          const auth = caller(ctx);
          if (ctx.params.username) {
            const me = await d.users.find(auth.tenantId, { id: auth.userId });
            if (me.username.toLowerCase() !== ctx.params.username.toLowerCase()) throw new ForbiddenError('You can only log yourself out');
          }
          await d.sessions.revoke(auth.tenantId, auth.sessionId);
          return { success: true };
        },
      },
      listUsers: {
        params: PARAMS.listUsers,
        async handler(ctx: Ctx<{ limit?: number; offset?: number }>) {
          const auth = caller(ctx);
          requireAdmin(auth);
          const { limit = 50, offset = 0 } = ctx.params;
          const { users, total } = await d.users.list(auth.tenantId, limit, offset);
          return { users: users.map(memberView), total, limit, offset };
        },
      },
      setRole: {
        params: PARAMS.setRole,
        async handler(ctx: Ctx<{ id: string; role: Role }>) {
          const auth = caller(ctx);
          requireAdmin(auth);
          const previous = await d.users.setRole(auth.tenantId, ctx.params.id, ctx.params.role, auth.userId);
          // Tokens carry the role they were minted with: a lowered role must not live on in them.
          if (RANK[ctx.params.role] < RANK[previous]) await d.sessions.revokeAll(auth.tenantId, ctx.params.id);
          await this.broker.cacher?.clean(profileCache(auth.tenantId));
          return { id: ctx.params.id, role: ctx.params.role };
        },
      },
      getUser: {
        params: PARAMS.getUser,
        async handler(ctx: Ctx<{ user_id?: string; username?: string }>) {
          const auth = caller(ctx);
          const profile = (await this.actions.userProfile({ tenantId: auth.tenantId, ...ctx.params }, { parentCtx: ctx })) as ReturnType<typeof userView>;
          // Presence changes with every socket, so it is read live rather than cached.
          return { ...profile, status: await d.presence.status(auth.tenantId, profile.id) };
        },
      },
      userProfile: {
        visibility: 'protected',
        params: PARAMS.userProfile,
        cache: { keys: ['tenantId', 'user_id', 'username'], ttl: 300 },
        async handler(ctx: Ctx<{ tenantId: string; user_id?: string; username?: string }>) {
          const user = await d.users.find(ctx.params.tenantId, { id: ctx.params.user_id, username: ctx.params.username });
          return userView(user, await d.pictures.url(user.pictureKey));
        },
      },
      updateProfile: {
        params: PARAMS.updateProfile,
        async handler(ctx: Ctx<{ user_id: string; firstName?: string; lastName?: string; friendsRequest?: 'NO_ONE' | 'ANYONE'; notifications?: Record<string, boolean> }>) {
          const auth = caller(ctx);
          const userId = await ownOnly(auth, ctx.params.user_id);
          const { firstName, lastName, friendsRequest, notifications } = ctx.params;
          const user = await d.users.updateProfile(auth.tenantId, userId, { firstName, lastName, friendsRequest, notifications });
          await this.broker.cacher?.clean(profileCache(auth.tenantId));
          return profileView(user, await d.pictures.url(user.pictureKey));
        },
      },
      setStatus: {
        params: PARAMS.setStatus,
        async handler(ctx: Ctx<{ status: 'ONLINE' | 'OFFLINE' }>) {
          const auth = caller(ctx);
          await d.presence.declare(auth.tenantId, auth.userId, ctx.params.status);
          return { success: true };
        },
      },
      setPicture: {
        params: PARAMS.setPicture,
        async handler(ctx: Ctx<{ user_id: string; image: string }>) {
          const auth = caller(ctx);
          const userId = await ownOnly(auth, ctx.params.user_id);
          const { bytes, type } = decodePicture(ctx.params.image);
          const key = d.pictures.key(auth.tenantId, userId, type);
          await d.pictures.put(key, bytes, type);
          await d.pictures.replaced(await d.users.setPictureKey(auth.tenantId, userId, key), key);
          await this.broker.cacher?.clean(profileCache(auth.tenantId));
          return { success: true, picture: await d.pictures.url(key) };
        },
      },
      notifications: {
        params: PARAMS.notifications,
        async handler(ctx: Ctx<{ user_id?: string; unread?: 'true' | 'false'; limit?: number; offset?: number }>) {
          const auth = caller(ctx);
          const userId = await ownOnly(auth, ctx.params.user_id);
          const { limit = 50, offset = 0 } = ctx.params;
          return d.notifications.list(auth.tenantId, userId, { limit: Math.min(limit, 50), offset, unreadOnly: ctx.params.unread === 'true' });
        },
      },
      markNotifications: {
        params: PARAMS.markNotifications,
        async handler(ctx: Ctx<{ notification_ids?: string[]; all?: boolean; read?: boolean }>) {
          const auth = caller(ctx);
          const ids = ctx.params.all ? undefined : ctx.params.notification_ids;
          return { success: true, updated: await d.notifications.mark(auth.tenantId, auth.userId, ids, ctx.params.read ?? true) };
        },
      },
      messages: {
        params: PARAMS.messages,
        async handler(ctx: Ctx<{ user_id?: string; room_id: string }>) {
          const auth = caller(ctx);
          const userId = await ownOnly(auth, ctx.params.user_id);
          return { messages: await d.messages.list(auth.tenantId, userId, ctx.params.room_id) };
        },
      },
      deleteMessages: {
        params: PARAMS.deleteMessages,
        async handler(ctx: Ctx<{ user_id: string; messages_id: string[] }>) {
          const auth = caller(ctx);
          const userId = await ownOnly(auth, ctx.params.user_id);
          const removed = await d.messages.remove(auth.tenantId, userId, ctx.params.messages_id);
          // The live room drops them from its chat; its history query already skips status R.
          if (removed.length > 0) ctx.emit('chat.messages.deleted', { tenantId: auth.tenantId, userId, messages: removed.map((m) => ({ messageId: m.id, dojoId: m.roomId })) });
          return { success: true };
        },
      },
      pay: {
        params: PARAMS.pay,
        handler(ctx: Ctx<{ tenant_id: string; total?: number; payment_gateway: string; plan: 'M' | 'Y'; autorenew?: boolean }>) {
          const auth = caller(ctx);
          if (ctx.params.tenant_id !== auth.tenantId) throw new NotFoundError('Tenant');
          requireAdmin(auth);
          const key = ctx.meta.headers?.['idempotency-key'];
          if (!key || key.length > 100 || !/^[\x21-\x7e]+$/.test(key)) {
            throw new FieldValidationError([{ field: 'Idempotency-Key', message: 'header is required: 1-100 visible ASCII characters' }]);
          }
          return d.billing.pay({
            tenantId: auth.tenantId,
            userId: auth.userId,
            total: ctx.params.total,
            gateway: ctx.params.payment_gateway,
            plan: ctx.params.plan,
            autorenew: ctx.params.autorenew ?? true,
            idempotencyKey: key,
          });
        },
      },
      billing: {
        params: PARAMS.billing,
        handler(ctx: Ctx) {
          const auth = caller(ctx);
          // Prices, payments and who paid are the company's business, not every member's.
          requireAdmin(auth);
          return d.billing.view(auth.tenantId);
        },
      },
      // For the jobs scheduler (no REST route): renews the plans that are due.
      renewPlans: {
        params: PARAMS.renewPlans,
        handler(ctx: Ctx<{ horizonMs?: number }>) {
          return d.billing.renewDue(ctx.params.horizonMs ?? 24 * 60 * 60 * 1000);
        },
      },
      // For other actors (no REST route): may the tenant start new paid work (dojos, renders)?
      planStatus: {
        params: PARAMS.planStatus,
        async handler(ctx: Ctx<{ tenantId: string }>) {
          return { expired: await d.billing.expired(ctx.params.tenantId) };
        },
      },
    },
    events: {
      'notification.requested': {
        params: PARAMS.notificationRequested,
        handler(ctx: Context<NotificationRequest>) {
          if (!d.sink) throw new Error('notification sink not started');
          return d.sink.submit(ctx.params);
        },
      },
      'gateway.session.opened': { params: PARAMS.sessionEvent, handler: (ctx: Context<SessionRef>) => d.presence.opened(ctx.params) },
      'gateway.session.resumed': { params: PARAMS.sessionEvent, handler: (ctx: Context<SessionRef>) => d.presence.opened(ctx.params) },
      'gateway.session.detached': { params: PARAMS.sessionEvent, handler: (ctx: Context<SessionRef>) => d.presence.closed(ctx.params) },
      'gateway.session.ended': { params: PARAMS.sessionEvent, handler: (ctx: Context<SessionRef>) => d.presence.closed(ctx.params) },
      '$node.disconnected'(ctx: Context<{ node: { id: string } }>) {
        return d.presence.nodeGone(ctx.params.node.id);
      },
      // A gateway that joins now missed earlier revocations: tell everyone again (idempotent).
      async '$node.connected'() {
        for (const r of await d.revocations.live()) await this.broker.broadcast('auth.session.revoked', r);
      },
    },
    created() {
      d = createDomain(infra, {
        broadcastRevocation: async (sessionId, untilMs) => {
          await this.broker.broadcast('auth.session.revoked', { sessionId, untilMs });
        },
        onMailError: (error) => this.logger.warn({ err: error }, 'tenant: a notice mail could not be sent'),
        pushToUser: async (tenantId, userId, data) => {
          await this.broker.broadcast(USER_PUSH_EVENT, { tenantId, userId, method: 'notification.new', data });
        },
        onDeliveryError: (error, what) => this.logger.warn({ err: error, what }, 'tenant: a notification was stored but its delivery failed'),
        dataChanged: (tenantId) => announceDataChanged(this.broker, tenantId),
      });
    },
    async started() {
      d.sink = await startSink(infra, d.delivery);
      await d.exports.kit.start({
        concurrency: 1,
        maxAttempts: 5,
        retryBaseMs: 2000,
        ackWaitMs: 5 * 60_000,
        logger: this.logger,
        notify: async (request) => {
          await this.broker.emit('notification.requested', request);
        },
        sweep: { leases: infra.leases, owner: infra.config.nodeId },
      });
    },
    async stopped() {
      await d.exports.kit.stop();
      await d.sink?.close();
      await d.hashing.close();
    },
  };
}
