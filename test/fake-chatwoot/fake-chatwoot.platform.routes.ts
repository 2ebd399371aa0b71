/**
 * /platform/api/v1 (API-NOTES §2). The platform app only sees what it created or claimed.
 */
import { HttpError, invalid } from './fake-chatwoot.errors';
import { bodyObject, idParam, ok, type RequestContext, type RouteTable } from './fake-chatwoot.router';
import type { UserRole } from './fake-chatwoot.types';
import { toInt } from './fake-chatwoot.util';
import { accountUserRow, accountView, platformUserView, tokenView } from './fake-chatwoot.views';

const PREFIX = '/platform/api/v1';

function requirePermissible(ctx: RequestContext, type: 'Account' | 'User', id: number): void {
  if (!ctx.state.isPlatformPermissible(type, id)) throw new HttpError(401, { error: 'Non permissible resource' });
}

function permissibleAccount(ctx: RequestContext, key: string) {
  const id = idParam(ctx, key);
  const account = ctx.state.getAccount(id);
  requirePermissible(ctx, 'Account', id);
  return account;
}

function permissibleUser(ctx: RequestContext) {
  const id = idParam(ctx, 'id');
  const user = ctx.state.getUser(id);
  requirePermissible(ctx, 'User', id);
  return user;
}

function roleParam(value: unknown): UserRole {
  if (value === undefined || value === null || value === 'agent' || value === 0 || value === '0') return 'agent';
  if (value === 'administrator' || value === 1 || value === '1') return 'administrator';
  // Rails enum assignment with an unknown value raises ArgumentError.
  throw new HttpError(500, { status: 500, error: 'Internal Server Error' });
}

export function registerPlatformRoutes(routes: RouteTable): void {
  routes
    .add('GET', 'platform', `${PREFIX}/accounts`, (ctx) =>
      ok([...ctx.state.accounts.values()].filter((a) => ctx.state.isPlatformPermissible('Account', a.id)).map(accountView)),
    )
    .add('POST', 'platform', `${PREFIX}/accounts`, (ctx) => ok(accountView(ctx.state.createAccount(bodyObject(ctx)))))
    .add('GET', 'platform', `${PREFIX}/accounts/:id`, (ctx) => ok(accountView(permissibleAccount(ctx, 'id'))))
    .add('PATCH', 'platform', `${PREFIX}/accounts/:id`, (ctx) => {
      const account = permissibleAccount(ctx, 'id');
      return ok(accountView(ctx.state.updateAccount(account.id, bodyObject(ctx))));
    })
    .add('PUT', 'platform', `${PREFIX}/accounts/:id`, (ctx) => {
      const account = permissibleAccount(ctx, 'id');
      return ok(accountView(ctx.state.updateAccount(account.id, bodyObject(ctx))));
    })
    .add('DELETE', 'platform', `${PREFIX}/accounts/:id`, (ctx) => {
      const account = permissibleAccount(ctx, 'id');
      // DeleteObjectJob runs after the response: the account is still readable for a moment.
      ctx.later(() => ctx.state.deleteAccount(account.id));
      return ok();
    })
    .add('GET', 'platform', `${PREFIX}/accounts/:account_id/account_users`, (ctx) => {
      const account = permissibleAccount(ctx, 'account_id');
      return ok(ctx.state.accountUsersOf(account.id).map(accountUserRow));
    })
    .add('POST', 'platform', `${PREFIX}/accounts/:account_id/account_users`, (ctx) => {
      const account = permissibleAccount(ctx, 'account_id');
      const body = bodyObject(ctx);
      const userId = toInt(body.user_id);
      if (userId === undefined || !ctx.state.users.has(userId)) throw invalid('user', 'User must exist');
      return ok(accountUserRow(ctx.state.upsertAccountUser(account.id, userId, roleParam(body.role))));
    })
    .add('DELETE', 'platform', `${PREFIX}/accounts/:account_id/account_users`, (ctx) => {
      const account = permissibleAccount(ctx, 'account_id');
      const userId = toInt(bodyObject(ctx).user_id ?? ctx.query.user_id);
      if (userId !== undefined) ctx.state.removeAccountUser(account.id, userId);
      return ok();
    })
    .add('POST', 'platform', `${PREFIX}/users`, (ctx) => {
      const { user } = ctx.state.findOrCreateUser(bodyObject(ctx));
      ctx.state.platformPermissibles.add(`User:${user.id}`);
      return ok(platformUserView(ctx.state, user));
    })
    .add('GET', 'platform', `${PREFIX}/users/:id`, (ctx) => ok(platformUserView(ctx.state, permissibleUser(ctx))))
    .add('PATCH', 'platform', `${PREFIX}/users/:id`, (ctx) => {
      const user = permissibleUser(ctx);
      return ok(platformUserView(ctx.state, ctx.state.updateUser(user.id, bodyObject(ctx))));
    })
    .add('PUT', 'platform', `${PREFIX}/users/:id`, (ctx) => {
      const user = permissibleUser(ctx);
      return ok(platformUserView(ctx.state, ctx.state.updateUser(user.id, bodyObject(ctx))));
    })
    .add('DELETE', 'platform', `${PREFIX}/users/:id`, (ctx) => {
      const user = permissibleUser(ctx);
      ctx.later(() => {
        if (ctx.state.users.has(user.id)) ctx.state.deleteUser(user.id);
      });
      return ok();
    })
    .add('GET', 'platform', `${PREFIX}/users/:id/login`, (ctx) => {
      const user = permissibleUser(ctx);
      const params = new URLSearchParams({ email: user.email, sso_auth_token: user.pubsub_token });
      return ok({ url: `${ctx.baseUrl}/app/login?${params.toString()}` });
    })
    .add('POST', 'platform', `${PREFIX}/users/:id/token`, (ctx) => ok(tokenView(permissibleUser(ctx))));
}
