/** Who asks a dashboard: an admin sees the tenant, anyone else their own slice. */
export interface DashboardViewer {
  tenantId: string;
  userId: string;
  admin: boolean;
}

/** The `user` filter of a query: null for the whole tenant (an admin), the caller otherwise. */
export const sliceOf = (viewer: DashboardViewer): string | null => (viewer.admin ? null : viewer.userId);
