import type { UserRecord } from './Users';

/** The public shape of a user: the fields of the contract, never a hash or a token. */
export function userView(user: UserRecord, picture: string | null) {
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    firstName: user.firstName,
    lastName: user.lastName,
    email: user.email,
    picture,
    friendsRequest: user.friendsRequest,
  };
}

export function profileView(user: UserRecord, picture: string | null) {
  return {
    firstName: user.firstName,
    lastName: user.lastName,
    email: user.email,
    picture,
    friendsRequest: user.friendsRequest,
    notifications: user.notifications,
  };
}

/** What an admin sees in the user list: the account's state as well. */
export function memberView(user: UserRecord) {
  return {
    id: user.id,
    username: user.username,
    firstName: user.firstName,
    lastName: user.lastName,
    email: user.email,
    role: user.role,
    account_status: user.accountStatus,
    created: user.created,
  };
}
