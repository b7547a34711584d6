import { z } from 'zod';
import { idParams, success, uuid } from './common';
import { defineRoutes } from './route';
import { email, password, slug } from './tenant';

// An account's own lifecycle: its password, its address, its deletion.

const token = z.string().min(1).max(200);
export const changePasswordBody = z.object({ current_password: z.string().min(1).max(200), new_password: password });
export const resetRequestBody = z.object({ tenant: slug, email });
export const resetBody = z.object({ token, password });
export const emailChangeBody = z.object({ email, password: z.string().min(1).max(200) });
export const emailConfirmBody = z.object({ token });
export const deleteRequestBody = z.object({ password: z.string().min(1).max(200) });
/** keep: the POCs stay, owned by the anonymised account; delete: they are deleted with it. */
export const deleteConfirmBody = z.object({ confirmation_token: token, pocs: z.enum(['keep', 'delete']) });

const exportView = z.object({
  id: uuid,
  status: z.enum(['PENDING', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED']),
  progress: z.number().int().min(0).max(100),
  error: z.string().nullable(),
  size_bytes: z.number().nullable(),
  created: z.string(),
  completed_at: z.string().nullable(),
  /** A pre-signed link (15 minutes) to the JSON archive, once COMPLETED. */
  url: z.string().optional(),
});

export const ACCOUNT_ROUTES = defineRoutes([
  {
    method: 'POST',
    path: '/v1/account/export',
    auth: 'user',
    action: 'tenant.requestExport',
    tag: 'accounts',
    status: 202,
    summary: "Export the caller's data as a JSON archive; a job makes it, and export.ready says when it can be downloaded",
    response: exportView,
  },
  {
    method: 'GET',
    path: '/v1/account/export/{id}',
    auth: 'user',
    action: 'tenant.getExport',
    tag: 'accounts',
    summary: "One of the caller's exports: its status and, once completed, a pre-signed link to the archive",
    params: idParams,
    response: exportView,
  },
  {
    method: 'POST',
    path: '/v1/account/password',
    auth: 'user',
    action: 'tenant.changePassword',
    tag: 'accounts',
    summary: "Change the caller's password (the current one is required); every other session of the account ends",
    body: changePasswordBody,
    response: success,
  },
  {
    method: 'POST',
    path: '/v1/account/password/reset',
    auth: 'public',
    action: 'tenant.requestPasswordReset',
    tag: 'accounts',
    rateLimitPerMinute: 30,
    summary: 'Mail a password reset link (single use, 1 hour) to an active account; always answers success so it reveals no account',
    body: resetRequestBody,
    response: success,
  },
  {
    method: 'POST',
    path: '/v1/account/password/reset/confirm',
    auth: 'public',
    action: 'tenant.resetPassword',
    tag: 'accounts',
    rateLimitPerMinute: 300,
    summary: "Set a new password with the reset link's token; every session of the account ends",
    body: resetBody,
    response: success,
  },
  {
    method: 'POST',
    path: '/v1/account/email',
    auth: 'user',
    action: 'tenant.requestEmailChange',
    tag: 'accounts',
    summary: "Change the caller's email: a confirmation link (24 h) goes to the new address, which takes effect once it is used",
    body: emailChangeBody,
    response: success,
  },
  {
    method: 'POST',
    path: '/v1/account/email/confirm',
    auth: 'public',
    action: 'tenant.confirmEmailChange',
    tag: 'accounts',
    rateLimitPerMinute: 300,
    summary: 'Confirm a new email address with the token from the mail sent to it',
    body: emailConfirmBody,
    response: z.object({ id: uuid, email: z.string() }),
  },
  {
    method: 'POST',
    path: '/v1/account/delete',
    auth: 'user',
    action: 'tenant.requestAccountDeletion',
    tag: 'accounts',
    summary: "First step of deleting the caller's account: the password buys a confirmation token valid 10 minutes",
    body: deleteRequestBody,
    response: z.object({ confirmation_token: z.string(), expires_at: z.string() }),
  },
  {
    method: 'POST',
    path: '/v1/account/delete/confirm',
    auth: 'user',
    action: 'tenant.deleteAccount',
    tag: 'accounts',
    summary: "Delete the caller's account for good: personal data erased, sessions ended, POCs kept (anonymised owner) or deleted",
    body: deleteConfirmBody,
    response: z.object({ success: z.boolean(), pocs_deleted: z.number() }),
  },
]);
