import { z } from 'zod';
import { zodParams } from '../../infra/broker/zodValidator';
import { idParams, uuid } from '../../protocol/rest/common';
import {
  confirmBody,
  deleteMessagesBody,
  loginBody,
  logoutBody,
  markNotificationsBody,
  messagesQuery,
  notificationsQuery,
  paymentBody,
  pictureBody,
  profileBody,
  refreshBody,
  registerBody,
  resendConfirmationBody,
  role,
  signupBody,
  statusBody,
  userListQuery,
  username,
  userQuery,
} from '../../protocol/rest/tenant';
import { changePasswordBody, deleteConfirmBody, deleteRequestBody, emailChangeBody, emailConfirmBody, resetBody, resetRequestBody } from '../../protocol/rest/account';
import { acceptInvitationBody, auditQuery, invitationBody, invitationListQuery, tenantUpdateBody, userStatusBody } from '../../protocol/rest/membership';
import { sessionEvent } from '../../protocol/signal';
import { freeText } from '../../protocol/text';

/**
 * The params of the actor's actions and events: the protocol's schemas (protocol/rest/tenant.ts),
 * the ones the gateway checks, applied again to every call whoever makes it.
 */
export const PARAMS = {
  signup: zodParams(signupBody),
  register: zodParams(registerBody),
  confirm: zodParams(confirmBody),
  resendConfirmation: zodParams(resendConfirmationBody),
  login: zodParams(loginBody),
  refresh: zodParams(refreshBody),
  logout: zodParams(logoutBody),
  listUsers: zodParams(userListQuery),
  setRole: zodParams(idParams.extend({ role })),
  getUser: zodParams(userQuery),
  userProfile: zodParams(z.object({ tenantId: uuid, user_id: uuid.optional(), username: username.optional() })),
  updateProfile: zodParams(profileBody),
  setStatus: zodParams(statusBody),
  setPicture: zodParams(pictureBody),
  notifications: zodParams(notificationsQuery),
  markNotifications: zodParams(markNotificationsBody),
  messages: zodParams(messagesQuery),
  deleteMessages: zodParams(deleteMessagesBody),
  pay: zodParams(paymentBody),
  billing: zodParams(z.object({})),
  notificationRequested: zodParams(
    z.object({
      tenantId: uuid,
      userId: uuid,
      type: z.string().min(1).max(40),
      // Producers build titles from user text (a dojo's subject): long ones are cut, not refused.
      title: z.string().min(1).max(2000),
      // A failed job's notice carries its error, which may run over several lines.
      body: freeText(z.string().max(10_000)).optional(),
      data: z.record(z.string(), z.unknown()).optional(),
      dedupeKey: z.string().max(200).optional(),
    }),
  ),
  sessionEvent: zodParams(sessionEvent.omit({ rooms: true })),
  getTenant: zodParams(z.object({})),
  updateTenant: zodParams(tenantUpdateBody),
  setTenantStatus: zodParams(z.object({ slug: z.string().min(1).max(40), status: z.enum(['A', 'S']) })),
  invite: zodParams(invitationBody),
  listInvitations: zodParams(invitationListQuery),
  revokeInvitation: zodParams(idParams),
  acceptInvitation: zodParams(acceptInvitationBody),
  setUserStatus: zodParams(idParams.extend(userStatusBody.shape)),
  audit: zodParams(auditQuery),
  changePassword: zodParams(changePasswordBody),
  requestPasswordReset: zodParams(resetRequestBody),
  resetPassword: zodParams(resetBody),
  requestEmailChange: zodParams(emailChangeBody),
  confirmEmailChange: zodParams(emailConfirmBody),
  requestAccountDeletion: zodParams(deleteRequestBody),
  deleteAccount: zodParams(deleteConfirmBody),
  renewPlans: zodParams(
    z.object({
      horizonMs: z
        .number()
        .int()
        .min(0)
        .max(31 * 24 * 60 * 60 * 1000)
        .optional(),
    }),
  ),
  planStatus: zodParams(z.object({ tenantId: uuid })),
  requestExport: zodParams(z.object({})),
  getExport: zodParams(idParams),
};
