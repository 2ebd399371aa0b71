/**
 * Account configuration endpoints (API-NOTES §4.1, §4.3, §4.6-4.8, §4.10): profile, inboxes,
 * custom attribute definitions, webhooks, dashboard apps, teams, labels, agents.
 */
import { HttpError } from './fake-chatwoot.errors';
import {
  accountId,
  bodyObject,
  currentUser,
  idParam,
  ok,
  queryString,
  requireAdministrator,
  wrapped,
  type RequestContext,
  type RouteTable,
} from './fake-chatwoot.router';
import { ATTRIBUTE_MODELS } from './fake-chatwoot.state';
import type { InboxRecord, TeamRecord } from './fake-chatwoot.types';
import { toInt } from './fake-chatwoot.util';
import {
  agentView,
  customAttributeDefinitionView,
  dashboardAppView,
  inboxView,
  labelView,
  profileUserView,
  teamView,
  webhookView,
} from './fake-chatwoot.views';

const ACCOUNT = '/api/v1/accounts/:account_id';

function isAdmin(ctx: RequestContext): boolean {
  return ctx.accountUser?.role === 'administrator';
}

function renderInbox(ctx: RequestContext, inbox: InboxRecord) {
  return inboxView(inbox, ctx.baseUrl, isAdmin(ctx));
}

/** InboxPolicy: administrators see every inbox, agents only those they are members of. */
function visibleInbox(ctx: RequestContext, inbox: InboxRecord): boolean {
  return isAdmin(ctx) || inbox.member_ids.has(currentUser(ctx).id);
}

function memberIds(ctx: RequestContext): number[] {
  const raw = bodyObject(ctx).user_ids;
  const ids = Array.isArray(raw) ? raw.map((value) => toInt(value)) : [];
  // TeamMembersController#validate_member_id_params: foreign ids are an authorization failure.
  if (ids.some((id) => id === undefined || !ctx.state.accountUser(accountId(ctx), id))) {
    throw new HttpError(401, { error: 'You are not authorized to do this action' });
  }
  return ids as number[];
}

function teamMembersView(ctx: RequestContext, team: TeamRecord, ids: Iterable<number>) {
  const views = [];
  for (const id of ids) {
    const user = ctx.state.users.get(id);
    const row = ctx.state.accountUser(team.account_id, id);
    if (user && row) views.push(agentView(user, row));
  }
  return views;
}

export function registerAccountRoutes(routes: RouteTable): void {
  // profile -------------------------------------------------------------------------------------
  routes
    .add('GET', 'user', '/api/v1/profile', (ctx) => ok(profileUserView(ctx.state, currentUser(ctx))))
    .add('POST', 'user', '/api/v1/profile/reset_access_token', (ctx) =>
      ok(profileUserView(ctx.state, ctx.state.resetAccessToken(currentUser(ctx).id))),
    );

  // agents (read-only; provisioning goes through the platform API) -------------------------------
  routes.add('GET', 'account', `${ACCOUNT}/agents`, (ctx) =>
    ok(
      ctx.state.accountUsersOf(accountId(ctx)).flatMap((row) => {
        const user = ctx.state.users.get(row.user_id);
        return user ? [agentView(user, row)] : [];
      }),
    ),
  );

  // inboxes -------------------------------------------------------------------------------------
  routes
    .add('GET', 'account', `${ACCOUNT}/inboxes`, (ctx) =>
      ok({
        payload: [...ctx.state.inboxes.values()]
          .filter((inbox) => inbox.account_id === accountId(ctx) && visibleInbox(ctx, inbox))
          .map((inbox) => renderInbox(ctx, inbox)),
      }),
    )
    .add('POST', 'account', `${ACCOUNT}/inboxes`, (ctx) => {
      requireAdministrator(ctx);
      return ok(renderInbox(ctx, ctx.state.createInbox(accountId(ctx), bodyObject(ctx))));
    })
    .add('GET', 'account', `${ACCOUNT}/inboxes/:id`, (ctx) => {
      const inbox = ctx.state.getInbox(accountId(ctx), idParam(ctx, 'id'));
      if (!visibleInbox(ctx, inbox)) requireAdministrator(ctx);
      return ok(renderInbox(ctx, inbox));
    })
    .add('PATCH', 'account', `${ACCOUNT}/inboxes/:id`, (ctx) => {
      requireAdministrator(ctx);
      return ok(renderInbox(ctx, ctx.state.updateInbox(accountId(ctx), idParam(ctx, 'id'), bodyObject(ctx))));
    })
    .add('DELETE', 'account', `${ACCOUNT}/inboxes/:id`, (ctx) => {
      requireAdministrator(ctx);
      const id = idParam(ctx, 'id');
      ctx.state.getInbox(accountId(ctx), id);
      ctx.later(() => {
        if (ctx.state.inboxes.has(id)) ctx.state.deleteInbox(accountId(ctx), id);
      });
      return ok({ message: 'Inbox deletion is in progress' });
    });

  // custom attribute definitions ---------------------------------------------------------------
  const CAD = `${ACCOUNT}/custom_attribute_definitions`;
  routes
    .add('GET', 'account', CAD, (ctx) => {
      // `with_attribute_model` is `attribute_model.presence && where(...)`: without the parameter the
      // scope is nil and Rails returns every definition of the account, whatever its model
      // (app/models/custom_attribute_definition.rb, custom_attribute_definitions_controller.rb).
      const raw = queryString(ctx, 'attribute_model');
      const model = raw && /^\d+$/.test(raw) ? ATTRIBUTE_MODELS[Number(raw)] : raw;
      return ok(
        [...ctx.state.customAttributeDefinitions.values()]
          .filter((definition) => definition.account_id === accountId(ctx) && (!model || definition.attribute_model === model))
          .map(customAttributeDefinitionView),
      );
    })
    .add('POST', 'account', CAD, (ctx) => {
      requireAdministrator(ctx);
      const input = wrapped(ctx, 'custom_attribute_definition');
      return ok(customAttributeDefinitionView(ctx.state.createCustomAttributeDefinition(accountId(ctx), input)));
    })
    .add('GET', 'account', `${CAD}/:id`, (ctx) =>
      ok(customAttributeDefinitionView(ctx.state.getCustomAttributeDefinition(accountId(ctx), idParam(ctx, 'id')))),
    )
    .add('PATCH', 'account', `${CAD}/:id`, (ctx) => {
      requireAdministrator(ctx);
      const input = wrapped(ctx, 'custom_attribute_definition');
      return ok(
        customAttributeDefinitionView(ctx.state.updateCustomAttributeDefinition(accountId(ctx), idParam(ctx, 'id'), input)),
      );
    })
    .add('DELETE', 'account', `${CAD}/:id`, (ctx) => {
      requireAdministrator(ctx);
      ctx.state.deleteCustomAttributeDefinition(accountId(ctx), idParam(ctx, 'id'));
      return ok();
    });

  // webhooks (admin only, even for reads) --------------------------------------------------------
  routes
    .add('GET', 'account', `${ACCOUNT}/webhooks`, (ctx) => {
      requireAdministrator(ctx);
      const hooks = [...ctx.state.webhooks.values()].filter((hook) => hook.account_id === accountId(ctx));
      return ok({ payload: { webhooks: hooks.map((hook) => webhookView(hook, ctx.state)) } });
    })
    .add('POST', 'account', `${ACCOUNT}/webhooks`, (ctx) => {
      requireAdministrator(ctx);
      const hook = ctx.state.createWebhook(accountId(ctx), wrapped(ctx, 'webhook'));
      return ok({ payload: { webhook: webhookView(hook, ctx.state) } });
    })
    .add('PATCH', 'account', `${ACCOUNT}/webhooks/:id`, (ctx) => {
      requireAdministrator(ctx);
      const hook = ctx.state.updateWebhook(accountId(ctx), idParam(ctx, 'id'), wrapped(ctx, 'webhook'));
      return ok({ payload: { webhook: webhookView(hook, ctx.state) } });
    })
    .add('PUT', 'account', `${ACCOUNT}/webhooks/:id`, (ctx) => {
      requireAdministrator(ctx);
      const hook = ctx.state.updateWebhook(accountId(ctx), idParam(ctx, 'id'), wrapped(ctx, 'webhook'));
      return ok({ payload: { webhook: webhookView(hook, ctx.state) } });
    })
    .add('DELETE', 'account', `${ACCOUNT}/webhooks/:id`, (ctx) => {
      requireAdministrator(ctx);
      ctx.state.deleteWebhook(accountId(ctx), idParam(ctx, 'id'));
      return ok();
    });

  // dashboard apps (no role check in Chatwoot) ---------------------------------------------------
  routes
    .add('GET', 'account', `${ACCOUNT}/dashboard_apps`, (ctx) =>
      ok([...ctx.state.dashboardApps.values()].filter((app) => app.account_id === accountId(ctx)).map(dashboardAppView)),
    )
    .add('POST', 'account', `${ACCOUNT}/dashboard_apps`, (ctx) =>
      ok(dashboardAppView(ctx.state.createDashboardApp(accountId(ctx), currentUser(ctx).id, wrapped(ctx, 'dashboard_app')))),
    )
    .add('GET', 'account', `${ACCOUNT}/dashboard_apps/:id`, (ctx) =>
      ok(dashboardAppView(ctx.state.getDashboardApp(accountId(ctx), idParam(ctx, 'id')))),
    )
    .add('PATCH', 'account', `${ACCOUNT}/dashboard_apps/:id`, (ctx) =>
      ok(dashboardAppView(ctx.state.updateDashboardApp(accountId(ctx), idParam(ctx, 'id'), wrapped(ctx, 'dashboard_app')))),
    )
    .add('DELETE', 'account', `${ACCOUNT}/dashboard_apps/:id`, (ctx) => {
      ctx.state.deleteDashboardApp(accountId(ctx), idParam(ctx, 'id'));
      return ok();
    });

  // teams ---------------------------------------------------------------------------------------
  const TEAMS = `${ACCOUNT}/teams`;
  routes
    .add('GET', 'account', TEAMS, (ctx) =>
      ok(
        [...ctx.state.teams.values()]
          .filter((team) => team.account_id === accountId(ctx))
          .map((team) => teamView(team, currentUser(ctx).id)),
      ),
    )
    .add('POST', 'account', TEAMS, (ctx) => {
      requireAdministrator(ctx);
      return ok(teamView(ctx.state.createTeam(accountId(ctx), wrapped(ctx, 'team')), currentUser(ctx).id));
    })
    .add('GET', 'account', `${TEAMS}/:id`, (ctx) =>
      ok(teamView(ctx.state.getTeam(accountId(ctx), idParam(ctx, 'id')), currentUser(ctx).id)),
    )
    .add('PATCH', 'account', `${TEAMS}/:id`, (ctx) => {
      requireAdministrator(ctx);
      return ok(teamView(ctx.state.updateTeam(accountId(ctx), idParam(ctx, 'id'), wrapped(ctx, 'team')), currentUser(ctx).id));
    })
    .add('DELETE', 'account', `${TEAMS}/:id`, (ctx) => {
      requireAdministrator(ctx);
      ctx.state.deleteTeam(accountId(ctx), idParam(ctx, 'id'));
      return ok();
    })
    .add('GET', 'account', `${TEAMS}/:id/team_members`, (ctx) => {
      const team = ctx.state.getTeam(accountId(ctx), idParam(ctx, 'id'));
      return ok(teamMembersView(ctx, team, team.member_ids));
    })
    .add('POST', 'account', `${TEAMS}/:id/team_members`, (ctx) => {
      requireAdministrator(ctx);
      const team = ctx.state.getTeam(accountId(ctx), idParam(ctx, 'id'));
      const added = memberIds(ctx).filter((id) => !team.member_ids.has(id));
      for (const id of added) team.member_ids.add(id);
      return ok(teamMembersView(ctx, team, added));
    })
    .add('PATCH', 'account', `${TEAMS}/:id/team_members`, (ctx) => {
      requireAdministrator(ctx);
      const team = ctx.state.getTeam(accountId(ctx), idParam(ctx, 'id'));
      const ids = memberIds(ctx);
      team.member_ids.clear();
      for (const id of ids) team.member_ids.add(id);
      return ok(teamMembersView(ctx, team, team.member_ids));
    })
    .add('DELETE', 'account', `${TEAMS}/:id/team_members`, (ctx) => {
      requireAdministrator(ctx);
      const team = ctx.state.getTeam(accountId(ctx), idParam(ctx, 'id'));
      for (const id of memberIds(ctx)) team.member_ids.delete(id);
      return ok();
    });

  // labels --------------------------------------------------------------------------------------
  routes
    .add('GET', 'account', `${ACCOUNT}/labels`, (ctx) =>
      ok({ payload: [...ctx.state.labels.values()].filter((label) => label.account_id === accountId(ctx)).map(labelView) }),
    )
    .add('POST', 'account', `${ACCOUNT}/labels`, (ctx) => {
      requireAdministrator(ctx);
      return ok(labelView(ctx.state.createLabel(accountId(ctx), wrapped(ctx, 'label'))));
    });
}
