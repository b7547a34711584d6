import type { Infrastructure } from '../../infra/infrastructure';
import { AccountExistsMail } from './AccountExistsMail';
import { HashPool } from '../../infra/hash/HashPool';
import { Accounts } from './Accounts';
import { AccountDeletion } from './AccountDeletion';
import { AccountTokens } from './AccountTokens';
import { Audit } from './Audit';
import { Credentials } from './Credentials';
import { DataExports } from './DataExport';
import { Invitations } from './Invitations';
import { LinkMail } from './LinkMail';
import { TenantSettings } from './TenantSettings';
import { Billing } from './Billing';
import { ConfirmationMail } from './ConfirmationMail';
import { LockoutMail } from './LockoutMail';
import { LoginThrottle } from './LoginThrottle';
import { Messages } from './Messages';
import { QueueSink, type NotificationSink } from './NotificationSink';
import { NotificationDelivery, type DeliveryDeps } from './NotificationDelivery';
import { Notifications } from './Notifications';
import { OWASP_SCRYPT, Passwords } from './Passwords';
import { SandboxGateway, type PaymentGateway } from './PaymentGateway';
import { Pictures } from './Pictures';
import { Presence } from './Presence';
import { RevocationLog } from './RevocationLog';
import { Sessions } from './Sessions';
import { Sql } from '../../infra/db/sql';
import { Users } from './Users';

/** The tenant actor's domain objects, built once per service instance from the process's infrastructure. */
export interface TenantDomain {
  accounts: Accounts;
  settings: TenantSettings;
  invitations: Invitations;
  audit: Audit;
  credentials: Credentials;
  deletion: AccountDeletion;
  exports: DataExports;
  sessions: Sessions;
  users: Users;
  presence: Presence;
  pictures: Pictures;
  notifications: Notifications;
  delivery: NotificationDelivery;
  /** Set by `startSink` when the service starts. */
  sink: NotificationSink | undefined;
  messages: Messages;
  billing: Billing;
  revocations: RevocationLog;
  sql: Sql;
  /** The threads passwords are hashed on; closed when the service stops. */
  hashing: HashPool;
}

export interface DomainHooks {
  /** Tells the gateways (all nodes) that a session ended. */
  broadcastRevocation(sessionId: string, untilMs: number): Promise<void>;
  /** A courtesy mail (lockout notice, sign-up with a taken email) that could not be sent. */
  onMailError(error: unknown): void;
  /** Broadcasts a push on the user channel (every gateway). */
  pushToUser: DeliveryDeps['push'];
  onDeliveryError: DeliveryDeps['onError'];
  /** A write the dashboards count that no action hook sees (a login's session; an account an unauthenticated call creates or activates). */
  dataChanged(tenantId: string): void;
}

export function createDomain(infra: Infrastructure, hooks: DomainHooks): TenantDomain {
  if (!infra.database) throw new Error('the tenant actor needs a database');
  if (!infra.objectStore) throw new Error('the tenant actor needs an object store');
  const sql = new Sql(infra.database);
  const hashing = new HashPool(infra.config.hashing);
  const passwords = new Passwords(OWASP_SCRYPT, hashing);
  const revocations = new RevocationLog(infra.securityState);
  const notifications = new Notifications(sql);
  const gateways: PaymentGateway[] = [new SandboxGateway(), new SandboxGateway('sandbox-card-declined', 'card_declined'), new SandboxGateway('sandbox-insufficient-funds', 'insufficient_funds')];
  const audit = new Audit(sql);
  const links = new LinkMail(infra.mailer, infra.config.publicUrl);
  const invitations = new Invitations(sql, links, audit);
  const sessions = new Sessions({
    sql,
    passwords,
    throttle: new LoginThrottle(infra.securityState),
    lockoutMail: new LockoutMail(infra.mailer),
    jwtSecret: infra.jwtSecret,
    onMailError: hooks.onMailError,
    onLogin: hooks.dataChanged,
    async onRevoked(sessionId, untilMs) {
      await revocations.record({ sessionId, untilMs });
      await hooks.broadcastRevocation(sessionId, untilMs);
    },
  });
  const tokens = new AccountTokens(sql);
  const pictures = new Pictures(infra.objectStore);
  const credentials = new Credentials({ sql, passwords, tokens, sessions, mail: links, onMailError: hooks.onMailError });
  return {
    accounts: new Accounts(sql, passwords, new ConfirmationMail(links), new AccountExistsMail(infra.mailer, infra.config.publicUrl), invitations, hooks.dataChanged),
    settings: new TenantSettings(sql),
    invitations,
    audit,
    credentials,
    deletion: new AccountDeletion({ sql, tokens, credentials, sessions, pictures, audit }),
    exports: new DataExports(sql, infra.objectStore, infra.queue),
    sessions,
    users: new Users(sql, audit),
    presence: new Presence(infra.kv),
    pictures,
    notifications,
    delivery: new NotificationDelivery({ sql, notifications, mailer: infra.mailer, publicUrl: infra.config.publicUrl, push: hooks.pushToUser, onError: hooks.onDeliveryError }),
    sink: undefined,
    messages: new Messages(sql),
    billing: new Billing(sql, new Map(gateways.map((g) => [g.name, g]))),
    revocations,
    sql,
    hashing,
  };
}

/** Notifications go through the process's durable queue (JetStream on NATS, in-process otherwise), then to the user live and by mail. */
export function startSink(infra: Infrastructure, delivery: NotificationDelivery): Promise<NotificationSink> {
  return QueueSink.start(infra.queue, (request) => delivery.deliver(request));
}
