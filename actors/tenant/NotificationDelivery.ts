import type { Mailer } from '../../infra/mail';
import type { Sql } from '../../infra/db/sql';
import type { NotificationRequest, Notifications, NotificationView } from './Notifications';
import { DEFAULT_LOCALE, localize, textsOf, type Locale, type TenantVoice, type Texts } from './texts';

export interface DeliveryDeps {
  sql: Sql;
  notifications: Notifications;
  mailer: Mailer;
  publicUrl: string;
  /** Sends `notification.new` on the user channel of every gateway. */
  push(tenantId: string, userId: string, data: { notification: NotificationView; unread: number }): Promise<void>;
  /** A push or mail that failed: logged. The notification is stored, so it is not retried (no second copy). */
  onError(error: unknown, what: 'push' | 'mail'): void;
}

const VOICE_TTL_MS = 10_000;
const VOICES_KEPT = 1000;

/**
 * What happens to a notification request taken from the queue: it is stored (respecting the
 * user's preference for its type), then pushed live to the user's sockets with the unread count,
 * and mailed unless the user switched `email` off (an absent preference means yes).
 */
export class NotificationDelivery {
  readonly #voices = new Map<string, { voice: TenantVoice; until: number }>();

  constructor(readonly deps: DeliveryDeps) {}

  async deliver(emitted: NotificationRequest): Promise<void> {
    const { notifications } = this.deps;
    const voice = await this.#voice(emitted.tenantId);
    // Stored in the tenant's language: the list, the push and the mail all read the same words.
    const request = localize(emitted, voice);
    const stored = await notifications.store(request);
    // A duplicate, a stranger, or a type the user switched off: nothing to tell anyone.
    if (!stored) return;
    try {
      await this.deps.push(request.tenantId, request.userId, { notification: stored, unread: await notifications.unread(request.tenantId, request.userId) });
    } catch (error) {
      this.deps.onError(error, 'push');
    }
    await this.#mail(request, stored, textsOf(voice.locale)).catch((error: unknown) => this.deps.onError(error, 'mail'));
  }

  /**
   * The tenant's language and zone, kept for VOICE_TTL_MS: a burst of notifications (a dojo
   * starting for 200 members) reads them once, and a changed setting is heard within seconds.
   */
  async #voice(tenantId: string): Promise<TenantVoice> {
    const known = this.#voices.get(tenantId);
    if (known && known.until > Date.now()) return known.voice;
    const { sql } = this.deps;
    const row = await sql.tenant(tenantId, () => sql.one<{ locale: Locale; time_zone: string }>('SELECT locale, time_zone FROM tenants WHERE id = $1', [tenantId]));
    const voice = { locale: row?.locale ?? DEFAULT_LOCALE, timeZone: row?.time_zone ?? 'UTC' };
    if (this.#voices.size >= VOICES_KEPT) this.#voices.clear();
    this.#voices.set(tenantId, { voice, until: Date.now() + VOICE_TTL_MS });
    return voice;
  }

  async #mail(request: NotificationRequest, stored: NotificationView, texts: Texts): Promise<void> {
    const { sql } = this.deps;
    const user = await sql.tenant(request.tenantId, () =>
      sql.one<{ email: string; first_name: string; wants: boolean }>(
        `SELECT email, first_name, coalesce((notification_prefs ->> 'email')::boolean, true) AS wants FROM users
          WHERE tenant_id = $1 AND id = $2 AND status = 'A' AND deleted_at IS NULL`,
        [request.tenantId, request.userId],
      ),
    );
    if (!user?.wants) return;
    await this.deps.mailer.send({
      to: user.email,
      subject: stored.title,
      text: [texts.mail.hello(user.first_name), '', stored.title, ...(stored.body ? ['', stored.body] : []), '', texts.mail.open(this.deps.publicUrl.replace(/\/$/, '')), texts.mail.optOut, ''].join(
        '\n',
      ),
    });
  }
}
