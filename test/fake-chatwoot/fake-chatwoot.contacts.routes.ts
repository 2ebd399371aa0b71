/**
 * Contacts (API-NOTES §4.2, §4.4, §10).
 */
import { HttpError, RecordNotFoundError } from './fake-chatwoot.errors';
import {
  accountId,
  bodyObject,
  idParam,
  ok,
  page,
  paginate,
  queryString,
  requireAdministrator,
  type RequestContext,
  type RouteTable,
} from './fake-chatwoot.router';
import type { ContactRecord } from './fake-chatwoot.types';
import { asObject, isBlank, optionalString, toInt } from './fake-chatwoot.util';
import { contactInboxInboxView, contactView, conversationView } from './fake-chatwoot.views';
import { conversationVisible } from './fake-chatwoot.conversations.routes';

const CONTACTS = '/api/v1/accounts/:account_id/contacts';
const PER_PAGE = 15;

/** Keys the filter service knows besides custom attributes; the last three live in additional_attributes. */
const STANDARD_FILTER_KEYS = ['name', 'email', 'phone_number', 'identifier', 'blocked', 'created_at', 'last_activity_at'];
const ADDITIONAL_FILTER_KEYS = ['country_code', 'city', 'company_name', 'referer'];

/** Contacts listed by index/search: only "resolved" ones (with email, phone or identifier). */
function resolvedContacts(ctx: RequestContext): ContactRecord[] {
  return ctx.state
    .contactsOf(accountId(ctx))
    .filter((contact) => contact.email !== null || contact.phone_number !== null || contact.identifier !== null);
}

/** `%q%` as PostgreSQL LIKE reads it: `%` any run, `_` any one character, `\\` escapes the next. */
function likePattern(q: string, flags: string): RegExp {
  let source = '';
  for (let i = 0; i < q.length; i++) {
    const char = q[i];
    if (char === '\\' && i + 1 < q.length) source += escapeRegExp(q[++i]);
    else if (char === '%') source += '.*';
    else if (char === '_') source += '.';
    else source += escapeRegExp(char);
  }
  return new RegExp(source, `${flags}s`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function sortContacts(contacts: ContactRecord[], sort: string | undefined): ContactRecord[] {
  if (!sort) return contacts.sort((a, b) => a.id - b.id);
  const descending = sort.startsWith('-');
  const key = descending ? sort.slice(1) : sort;
  const value = (contact: ContactRecord): string | number => {
    switch (key) {
      case 'name':
      case 'email':
      case 'phone_number':
        return (contact[key] ?? '').toLowerCase();
      case 'last_activity_at':
        return contact.last_activity_at?.getTime() ?? 0;
      case 'created_at':
        return contact.created_at.getTime();
      default:
        return contact.id;
    }
  };
  return contacts.sort((a, b) => {
    const left = value(a);
    const right = value(b);
    const order = left < right ? -1 : left > right ? 1 : a.id - b.id;
    return descending ? -order : order;
  });
}

function listResponse(ctx: RequestContext, contacts: ContactRecord[]) {
  const current = page(ctx);
  const slice = paginate(contacts, current, PER_PAGE);
  const meta: Record<string, unknown> = { count: contacts.length, current_page: current };
  return ok({ meta, payload: slice.map((contact) => contactView(ctx.state, contact)) });
}

interface FilterCondition {
  attribute_key: string;
  filter_operator: string;
  values: unknown[];
  query_operator?: string | null;
}

function filterValue(ctx: RequestContext, contact: ContactRecord, key: string): unknown {
  if (STANDARD_FILTER_KEYS.includes(key)) return contact[key as keyof ContactRecord];
  if (ADDITIONAL_FILTER_KEYS.includes(key)) return contact.additional_attributes[key];
  const defined = [...ctx.state.customAttributeDefinitions.values()].some(
    (definition) =>
      definition.account_id === contact.account_id &&
      definition.attribute_model === 'contact_attribute' &&
      definition.attribute_key === key,
  );
  if (defined) return contact.custom_attributes[key];
  throw new HttpError(422, { error: `Invalid attribute key - [${key}]` });
}

function normalise(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  return String(value ?? '').toLowerCase();
}

/** Text comparisons are case-insensitive (the filter service wraps both sides in LOWER()). */
function conditionMatches(ctx: RequestContext, contact: ContactRecord, condition: FilterCondition): boolean {
  const actual = filterValue(ctx, contact, condition.attribute_key);
  const values = condition.values.map(normalise);
  const present = !isBlank(actual);
  switch (condition.filter_operator) {
    case 'equal_to':
      return present && values.includes(normalise(actual));
    case 'not_equal_to':
      return !present || !values.includes(normalise(actual));
    case 'contains':
      return present && values.some((value) => normalise(actual).includes(value));
    case 'does_not_contain':
      return !present || !values.some((value) => normalise(actual).includes(value));
    case 'starts_with':
      return present && values.some((value) => normalise(actual).startsWith(value));
    case 'is_present':
      return present;
    case 'is_not_present':
      return !present;
    default:
      throw new HttpError(422, { error: `Invalid filter operator - [${condition.filter_operator}]` });
  }
}

function parseConditions(ctx: RequestContext): FilterCondition[] {
  const payload = bodyObject(ctx).payload;
  if (!Array.isArray(payload)) throw new HttpError(422, { error: 'param is missing or the value is empty: payload' });
  return payload.map((raw) => {
    const item = asObject(raw);
    return {
      attribute_key: optionalString(item.attribute_key) ?? '',
      filter_operator: optionalString(item.filter_operator) ?? 'equal_to',
      values: Array.isArray(item.values) ? item.values : item.values === undefined ? [] : [item.values],
      query_operator: optionalString(item.query_operator),
    };
  });
}

/**
 * The filter service concatenates "<cond> AND <cond> OR <cond>" into SQL, so AND binds tighter
 * than OR; evaluate it the same way.
 */
function matchesAll(ctx: RequestContext, contact: ContactRecord, conditions: FilterCondition[]): boolean {
  let anyGroup = false;
  let group = true;
  conditions.forEach((condition, index) => {
    group = group && conditionMatches(ctx, contact, condition);
    const joiner = (conditions[index]?.query_operator ?? '').toUpperCase();
    const last = index === conditions.length - 1;
    if (last || joiner === 'OR') {
      anyGroup = anyGroup || group;
      group = true;
    }
  });
  return anyGroup;
}

export function registerContactRoutes(routes: RouteTable): void {
  routes
    .add('GET', 'account', CONTACTS, (ctx) => listResponse(ctx, sortContacts(resolvedContacts(ctx), queryString(ctx, 'sort'))))
    .add('GET', 'account', `${CONTACTS}/search`, (ctx) => {
      const q = (queryString(ctx, 'q') ?? '').trim();
      if (q === '') throw new HttpError(422, { error: 'Specify search string with parameter q' });
      // contacts_controller.rb#search: every contact of the account (not only "resolved" ones),
      // `name/email/phone_number ILIKE %q% OR identifier LIKE %q%`, so `%` and `_` in q are
      // wildcards; paged 15 at a time with `has_more`, `count` being the size of this page.
      const caseless = likePattern(q, 'i');
      const cased = likePattern(q, '');
      const matches = ctx.state
        .contactsOf(accountId(ctx))
        .filter(
          (contact) =>
            [contact.name, contact.email, contact.phone_number].some((field) => field !== null && caseless.test(field)) ||
            (contact.identifier !== null && cased.test(contact.identifier)),
        );
      const current = page(ctx);
      const slice = paginate(sortContacts(matches, queryString(ctx, 'sort')), current, PER_PAGE);
      return ok({
        meta: { count: slice.length, current_page: current, has_more: current * PER_PAGE < matches.length },
        payload: slice.map((contact) => contactView(ctx.state, contact)),
      });
    })
    .add('POST', 'account', `${CONTACTS}/filter`, (ctx) => {
      const conditions = parseConditions(ctx);
      const matches = ctx.state.contactsOf(accountId(ctx)).filter((contact) => matchesAll(ctx, contact, conditions));
      return listResponse(ctx, sortContacts(matches, queryString(ctx, 'sort')));
    })
    .add('POST', 'account', CONTACTS, (ctx) => {
      const body = bodyObject(ctx);
      const inboxId = toInt(body.inbox_id);
      if (inboxId !== undefined) ctx.state.getInbox(accountId(ctx), inboxId);
      const contact = ctx.state.createContact(accountId(ctx), body);
      const contactInbox =
        inboxId === undefined
          ? undefined
          : ctx.state.findOrCreateContactInbox(contact.id, inboxId, optionalString(body.source_id) ?? undefined);
      const inbox = contactInbox ? ctx.state.inboxes.get(contactInbox.inbox_id) : undefined;
      return ok({
        payload: {
          contact: contactView(ctx.state, contact),
          contact_inbox: { inbox: inbox ? contactInboxInboxView(inbox) : null, source_id: contactInbox?.source_id ?? null },
        },
      });
    })
    .add('GET', 'account', `${CONTACTS}/:id`, (ctx) =>
      ok({ payload: contactView(ctx.state, ctx.state.getContact(accountId(ctx), idParam(ctx, 'id')), true) }),
    );

  for (const method of ['PUT', 'PATCH']) {
    routes.add(method, 'account', `${CONTACTS}/:id`, (ctx) => {
      const contact = ctx.state.updateContact(accountId(ctx), idParam(ctx, 'id'), bodyObject(ctx));
      return ok({ payload: contactView(ctx.state, contact) });
    });
  }

  routes
    .add('DELETE', 'account', `${CONTACTS}/:id`, (ctx) => {
      requireAdministrator(ctx);
      ctx.state.deleteContact(accountId(ctx), idParam(ctx, 'id'));
      return ok();
    })
    .add('POST', 'account', `${CONTACTS}/:id/destroy_custom_attributes`, (ctx) => {
      const raw = bodyObject(ctx).custom_attributes;
      const keys = Array.isArray(raw) ? raw.map(String) : [];
      const contact = ctx.state.destroyContactCustomAttributes(accountId(ctx), idParam(ctx, 'id'), keys);
      return ok({ payload: contactView(ctx.state, contact) });
    })
    .add('GET', 'account', `${CONTACTS}/:id/conversations`, (ctx) => {
      const contact = ctx.state.getContact(accountId(ctx), idParam(ctx, 'id'));
      const conversations = ctx.state
        .conversationsOf(accountId(ctx))
        .filter((conversation) => conversation.contact_id === contact.id && conversationVisible(ctx, conversation))
        .sort((a, b) => b.last_activity_at.getTime() - a.last_activity_at.getTime());
      return ok({ payload: conversations.map((conversation) => conversationView(ctx.state, conversation)) });
    })
    .add('POST', 'account', `${CONTACTS}/:id/contact_inboxes`, (ctx) => {
      const contact = ctx.state.getContact(accountId(ctx), idParam(ctx, 'id'));
      const body = bodyObject(ctx);
      const inboxId = toInt(body.inbox_id);
      if (inboxId === undefined) throw new RecordNotFoundError('Inbox');
      const inbox = ctx.state.getInbox(accountId(ctx), inboxId);
      const row = ctx.state.findOrCreateContactInbox(contact.id, inbox.id, optionalString(body.source_id) ?? undefined);
      return ok({ source_id: row.source_id, inbox: contactInboxInboxView(inbox) });
    })
    .add('POST', 'account', '/api/v1/accounts/:account_id/actions/contact_merge', (ctx) => {
      const body = bodyObject(ctx);
      const baseId = toInt(body.base_contact_id);
      const mergeeId = toInt(body.mergee_contact_id);
      if (baseId === undefined || mergeeId === undefined) {
        throw new HttpError(422, { error: 'param is missing or the value is empty: base_contact_id' });
      }
      const base = ctx.state.mergeContacts(accountId(ctx), baseId, mergeeId);
      return ok(contactView(ctx.state, base));
    });
}
