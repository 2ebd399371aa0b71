// @ts-check
/* The context panel inside Chatwoot (Dashboard App). Plain DOM and textContent only: data never becomes markup.
 * Shipped as is (no build step); type-checked by `tsc -p tsconfig.browser.json` from its JSDoc. */
(function () {
  'use strict';

  /**
   * @typedef {{ id: string, carrier: string|null, tracking_number: string|null, tracking_url: string|null,
   *   status: string, shipped_at: string|null, delivered_at: string|null }} Shipment
   * @typedef {{ product_id: string, name: string, category?: string, quantity: number, unit_price: number }} OrderItem
   * @typedef {{ id: string, status: string, total: number, currency: string, placed_at: string,
   *   items: OrderItem[], shipments?: Shipment[] }} Order
   * @typedef {{ id: string, order_id: string, type: ActionType, status: string, amount: number|null, currency: string|null,
   *   lines?: {product_id: string, quantity: number}[], reason: string|null, platform_message: string|null,
   *   agent?: {id: number, name: string|null}, conversation_id: number|null, created_at: string, updated_at: string }} OrderAction
   * @typedef {'cancel'|'refund'|'resend_confirmation'} ActionType
   * @typedef {{ enabled: boolean, allowed: ActionType[], refund_max_per_action: number,
   *   refund_max_per_agent_per_day: number, refunded_by_agent_today: number }} ActionPolicy
   * @typedef {{ max_percent: number, max_fixed_amount: number, max_per_agent_per_day: number, used_by_agent_today: number }} DiscountPolicy
   * @typedef {{ id: number, status: string, created_at: string, csat_rating: number|null }} PreviousConversation
   * @typedef {{ conversation_id: number, created_at: string, reason: string }} Escalation
   * @typedef {{ linked: boolean, message?: string, currency: string, locale: string,
   *   customer: { name: string, email: string, tier: string, registration_date: string|null, total_spent: number, order_count: number } | null,
   *   recent_orders: Order[], current_cart: { items: OrderItem[], total: number } | null, favorite_categories: string[],
   *   purchase_frequency: string|null, average_days_between_orders: number|null, average_order_value: number|null,
   *   previous_conversations: PreviousConversation[], satisfaction_score: number|null, escalation_history: Escalation[],
   *   current_page: string|null, session_active: boolean, last_seen_at: string|null, session_duration: number|null,
   *   pages_visited: number, products_viewed: {productId: string|null, name: string|null, url: string|null}[],
   *   order_actions?: OrderAction[], action_policy?: ActionPolicy, discount_policy?: DiscountPolicy }} Context
   * @typedef {{ tier_progress: { next_tier: string|null, remaining: number, progress_percent: number },
   *   spend_trend: { direction: string, change_percent: number|null, recent: number, previous: number, window_months: number },
   *   monthly_spend: { month: string, total: number, orders: number }[],
   *   seasonal_patterns: { peak_months: string[] },
   *   churn_risk: { level: string, days_since_last_order: number|null, typical_gap_days: number|null } }} Insights
   * @typedef {{ recommendations: { name: string, price: number, reason_code: string, reason: string }[] }} Recommendations
   * @typedef {Error & { status?: number, code?: string }} ApiError
   * @typedef {string | number | Node | null | undefined | false | any[]} Child
   * @typedef {Record<string, string | number | boolean | null | undefined | ((event: any) => void)>} Attrs
   */

  var meta = document.querySelector('meta[name="chatwoot-origin"]');
  // Chatwoot's dashboard origin (CHATWOOT_FRONTEND_URL), not its API URL: appContext comes from the dashboard window.
  var DASHBOARD_ORIGIN = meta ? meta.getAttribute('content') || '' : '';
  var TOKEN = new URLSearchParams(window.location.search).get('token') || '';
  var app = /** @type {HTMLElement} */ (document.getElementById('app'));

  var state = {
    /** @type {number|null} */ accountId: null,
    /** @type {number|null} */ contactId: null,
    /** @type {number|null} */ conversationId: null,
    /** @type {string[]} */ conversationLabels: [],
    /** @type {string|null} */ conversationPriority: null,
    /** @type {string|null} */ supportPriority: null,
    /** @type {{id?: number, name?: string}|null} */ agent: null,
    /** @type {Context|null} */ context: null,
    /** @type {string|null} */ loadedFor: null,
    /** The open action form; kept across refreshes so its result stays on screen. @type {HTMLElement|null} */
    actionPanel: null,
    /** Open order-action dialogs by order id, kept across refreshes. @type {Record<string, HTMLElement>} */
    orderPanels: {},
  };

  // ---- language: one small dictionary, chosen by the store's locale -------------------------------------
  /** @type {Record<string, Record<string, string>>} */
  var DICT = {
    en: {
      openFromChatwoot: 'Open this page from Chatwoot (Dashboard App): it needs the conversation context.',
      openConversation: 'Open a conversation with a contact to see the customer.',
      noToken: 'This panel URL has no token. Ask an administrator to reinstall the dashboard app.',
      loadingCustomer: 'Loading customer…',
      loading: 'Loading…',
      retry: 'Retry',
      errUnreachable: 'The customer service cannot be reached right now. Check your connection and try again.',
      errChatwoot: 'Chatwoot is not answering right now, so this could not be done. Try again in a moment.',
      errUnavailable: 'The customer service is temporarily unavailable. Try again in a moment.',
      errRateLimited: 'Too many requests at the moment. Wait a few seconds and try again.',
      errAuth: 'This panel is no longer authorised. Ask an administrator to reinstall the dashboard app.',
      errForbidden: 'This panel belongs to another Chatwoot account or may not do this.',
      errNotFound: 'This contact or record could not be found in the store.',
      errGeneric: 'Something went wrong. Try again.',
      refreshFailed: 'Could not refresh the customer; the figures shown may be out of date.',
      notLinked: 'Not a known customer',
      notLinkedText: 'This contact is not linked to a customer of the store.',
      customerSince: 'Customer since {date}',
      keyFigures: 'Key figures',
      totalSpent: 'total spent',
      orders: 'orders',
      averageOrder: 'average order',
      buys: 'buys',
      everyDays: 'every ~{n} days',
      everyDay: 'every day',
      firstOrder: 'first order',
      noOrdersYet: 'no orders yet',
      satisfaction: 'satisfaction',
      favouriteCategories: 'favourite categories',
      vip: 'VIP customer',
      priorityCustomer: 'Priority customer',
      bannerPriority: 'support priority: {p}',
      bannerLabel: 'conversation labelled “vip”',
      bannerTier: '{tier} tier',
      bannerConversation: 'conversation priority: {p}',
      onShopNow: 'On the shop now',
      lastVisit: 'Last visit · {date}',
      viewing: 'Viewing ',
      pagesAndTime: '{n} pages, {time}',
      cart: 'Cart',
      cartTotal: 'Cart · {total}',
      empty: 'Empty',
      recentOrders: 'Recent orders',
      noOrders: 'No orders yet',
      shipment: 'Shipment',
      shippedOn: 'shipped {date}',
      deliveredOn: 'delivered {date}',
      track: 'Track {number}',
      trackPlain: 'Track parcel',
      opensInNewTab: '(opens in a new tab)',
      insights: 'Insights',
      toNextTier: '{amount} to {tier}',
      topTier: 'Top tier reached',
      spendChart: 'Spend per month, last 12 months',
      noSpend: 'No purchases in the last {n} months',
      spendNew: 'Spent {amount} in the last {n} months, after nothing in the {n} months before',
      spendUp: 'Spent {amount} in the last {n} months: {pct}% more than the {n} months before',
      spendDown: 'Spent {amount} in the last {n} months: {pct}% less than the {n} months before',
      spendFlat: 'Spent {amount} in the last {n} months, about the same as the {n} months before',
      churnRisk: 'Churn risk ',
      daysSinceOrder: '{n} days since the last order',
      peakMonths: 'Buys most in {months}',
      suggestions: 'Suggestions',
      nothingToSuggest: 'Nothing to suggest yet',
      boughtTogether: 'Often bought with earlier purchases',
      favouriteCategory: 'From a favourite category',
      previousConversations: 'Previous conversations',
      escalations: 'Escalations',
      actions: 'Actions',
      discountOpen: 'Discount code…',
      escalateOpen: 'Escalate…',
      discountType: 'Discount type',
      percentOff: '% off',
      amountOff: '{currency} off',
      discountValue: 'Value',
      discountCaps: 'This store allows up to {percent}% or {amount} off per code; {used} of {max} codes used by you today.',
      continue: 'Continue',
      confirm: 'Confirm',
      cancel: 'Cancel',
      amountAboveZero: 'Enter an amount above zero.',
      createCodeFor: 'Create a code for {label}?',
      percentLabel: '{n}% off',
      moneyLabel: '{amount} off',
      codeCreated: 'Code created',
      validUntil: 'Valid until {date}',
      notedInConversation: ' · noted in the conversation',
      discountPercentCap: 'This store allows at most {max}% off',
      discountAmountCap: 'This store allows at most {max} off per code',
      discountDailyLimit: 'Daily limit reached: at most {max} discount codes per agent in 24 hours',
      reason: 'Reason',
      escalatePlaceholder: 'Why should a manager step in?',
      giveReason: 'Give a reason (at least 3 characters).',
      escalatePrompt: 'Escalate conversation #{id} to the managers (urgent)?',
      escalated: 'Escalated: urgent, managers team, label “escalated”.',
      alreadyEscalated: 'This conversation was escalated less than a minute ago.',
      orderActions: 'Order actions',
      actionCancel: 'Cancel order',
      actionRefund: 'Refund…',
      actionResend: 'Resend confirmation',
      typeCancel: 'Cancellation',
      typeRefund: 'Refund',
      typeResend: 'Confirmation resent',
      refundWhat: 'What to refund',
      refundWhole: 'The whole order ({amount})',
      refundLines: 'Selected lines',
      refundAmount: 'An amount',
      refundAmountLabel: 'Amount in {currency}',
      quantityOf: 'Quantity of {name}',
      refundCaps: 'Refunds: at most {max} per refund and {daily} per agent per day; you refunded {today} today.',
      actionReason: 'Reason (optional)',
      chooseLines: 'Choose at least one line to refund.',
      confirmCancel: 'Cancel order #{id} ({amount})?',
      confirmRefund: 'Refund {amount} of order #{id}?',
      confirmResend: 'Resend the confirmation of order #{id}?',
      overCeilingWarning: 'This is more than the {max} a single refund may be: the store will refuse it.',
      statusSucceeded: 'Done: {what} of order #{id} succeeded.',
      statusRejected: 'The shop refused: {message}',
      statusRejectedPlain: 'The shop refused the request.',
      statusPending: 'Sent to the shop; it has not answered yet. The result will show here after a refresh.',
      refundOverCeiling: 'Refused: {amount} is more than the {max} a single refund may be.',
      refundOverDaily: 'Refused: {amount} would go over your daily refund limit of {max} ({today} refunded today).',
      orderNotRefundable: 'This order cannot be refunded (nothing left to refund, or not paid).',
      orderNotCancellable: 'This order can no longer be cancelled.',
      actionNotAllowed: 'This store does not allow that action from the panel.',
      keyReused: 'This request was already sent with other details. Close the dialog and start again.',
      st_pending: 'pending',
      st_succeeded: 'succeeded',
      st_rejected: 'rejected',
      st_failed: 'failed',
      by: 'by {name}',
      os_pending: 'pending',
      os_paid: 'paid',
      os_shipped: 'shipped',
      os_delivered: 'delivered',
      os_cancelled: 'cancelled',
      os_refunded: 'refunded',
      ss_pending: 'awaiting shipment',
      ss_shipped: 'shipped',
      ss_in_transit: 'in transit',
      ss_delivered: 'delivered',
      ss_returned: 'returned',
      ss_failed: 'delivery failed',
      cs_open: 'open',
      cs_resolved: 'resolved',
      cs_pending: 'pending',
      cs_snoozed: 'snoozed',
      risk_low: 'low',
      risk_medium: 'medium',
      risk_high: 'high',
      risk_unknown: 'unknown',
      p_low: 'low',
      p_normal: 'normal',
      p_high: 'high',
      p_urgent: 'urgent',
    },
    nl: {
      openFromChatwoot: 'Open deze pagina vanuit Chatwoot (Dashboard App): ze heeft het gesprek nodig.',
      openConversation: 'Open een gesprek met een contact om de klant te zien.',
      noToken: 'Deze paneel-URL heeft geen token. Vraag een beheerder de dashboard-app opnieuw te installeren.',
      loadingCustomer: 'Klant laden…',
      loading: 'Laden…',
      retry: 'Opnieuw proberen',
      errUnreachable: 'De klantenservice is nu niet bereikbaar. Controleer je verbinding en probeer het opnieuw.',
      errChatwoot: 'Chatwoot reageert nu niet, dus dit lukte niet. Probeer het zo opnieuw.',
      errUnavailable: 'De klantenservice is tijdelijk niet beschikbaar. Probeer het zo opnieuw.',
      errRateLimited: 'Op dit moment te veel verzoeken. Wacht een paar seconden en probeer het opnieuw.',
      errAuth: 'Dit paneel heeft geen toegang meer. Vraag een beheerder de dashboard-app opnieuw te installeren.',
      errForbidden: 'Dit paneel hoort bij een ander Chatwoot-account of mag dit niet doen.',
      errNotFound: 'Dit contact of gegeven is niet gevonden in de winkel.',
      errGeneric: 'Er ging iets mis. Probeer het opnieuw.',
      refreshFailed: 'De klant kon niet worden ververst; de getoonde gegevens zijn mogelijk verouderd.',
      notLinked: 'Geen bekende klant',
      notLinkedText: 'Dit contact is niet gekoppeld aan een klant van de winkel.',
      customerSince: 'Klant sinds {date}',
      keyFigures: 'Kerncijfers',
      totalSpent: 'totaal besteed',
      orders: 'bestellingen',
      averageOrder: 'gemiddelde bestelling',
      buys: 'koopt',
      everyDays: 'elke ~{n} dagen',
      everyDay: 'elke dag',
      firstOrder: 'eerste bestelling',
      noOrdersYet: 'nog geen bestellingen',
      satisfaction: 'tevredenheid',
      favouriteCategories: 'favoriete categorieën',
      vip: 'VIP-klant',
      priorityCustomer: 'Klant met voorrang',
      bannerPriority: 'supportprioriteit: {p}',
      bannerLabel: 'gesprek met label “vip”',
      bannerTier: 'niveau {tier}',
      bannerConversation: 'gespreksprioriteit: {p}',
      onShopNow: 'Nu in de winkel',
      lastVisit: 'Laatste bezoek · {date}',
      viewing: 'Bekijkt ',
      pagesAndTime: "{n} pagina's, {time}",
      cart: 'Winkelwagen',
      cartTotal: 'Winkelwagen · {total}',
      empty: 'Leeg',
      recentOrders: 'Recente bestellingen',
      noOrders: 'Nog geen bestellingen',
      shipment: 'Zending',
      shippedOn: 'verzonden {date}',
      deliveredOn: 'bezorgd {date}',
      track: 'Volg {number}',
      trackPlain: 'Volg pakket',
      opensInNewTab: '(opent in een nieuw tabblad)',
      insights: 'Inzichten',
      toNextTier: 'nog {amount} tot {tier}',
      topTier: 'Hoogste niveau bereikt',
      spendChart: 'Besteding per maand, laatste 12 maanden',
      noSpend: 'Geen aankopen in de laatste {n} maanden',
      spendNew: '{amount} besteed in de laatste {n} maanden, na niets in de {n} maanden daarvoor',
      spendUp: '{amount} besteed in de laatste {n} maanden: {pct}% meer dan de {n} maanden daarvoor',
      spendDown: '{amount} besteed in de laatste {n} maanden: {pct}% minder dan de {n} maanden daarvoor',
      spendFlat: '{amount} besteed in de laatste {n} maanden, ongeveer evenveel als de {n} maanden daarvoor',
      churnRisk: 'Vertrekrisico ',
      daysSinceOrder: '{n} dagen sinds de laatste bestelling',
      peakMonths: 'Koopt het meest in {months}',
      suggestions: 'Suggesties',
      nothingToSuggest: 'Nog niets om voor te stellen',
      boughtTogether: 'Vaak samen gekocht met eerdere aankopen',
      favouriteCategory: 'Uit een favoriete categorie',
      previousConversations: 'Eerdere gesprekken',
      escalations: 'Escalaties',
      actions: 'Acties',
      discountOpen: 'Kortingscode…',
      escalateOpen: 'Escaleren…',
      discountType: 'Soort korting',
      percentOff: '% korting',
      amountOff: '{currency} korting',
      discountValue: 'Waarde',
      discountCaps:
        'Deze winkel staat tot {percent}% of {amount} korting per code toe; je gebruikte vandaag {used} van {max} codes.',
      continue: 'Verder',
      confirm: 'Bevestigen',
      cancel: 'Annuleren',
      amountAboveZero: 'Vul een bedrag boven nul in.',
      createCodeFor: 'Een code maken voor {label}?',
      percentLabel: '{n}% korting',
      moneyLabel: '{amount} korting',
      codeCreated: 'Code gemaakt',
      validUntil: 'Geldig tot {date}',
      notedInConversation: ' · genoteerd in het gesprek',
      discountPercentCap: 'Deze winkel staat hoogstens {max}% korting toe',
      discountAmountCap: 'Deze winkel staat hoogstens {max} korting per code toe',
      discountDailyLimit: 'Daglimiet bereikt: hoogstens {max} kortingscodes per medewerker in 24 uur',
      reason: 'Reden',
      escalatePlaceholder: 'Waarom moet een manager ingrijpen?',
      giveReason: 'Geef een reden (minstens 3 tekens).',
      escalatePrompt: 'Gesprek #{id} escaleren naar de managers (urgent)?',
      escalated: 'Geëscaleerd: urgent, team managers, label “escalated”.',
      alreadyEscalated: 'Dit gesprek is minder dan een minuut geleden al geëscaleerd.',
      orderActions: 'Bestelacties',
      actionCancel: 'Bestelling annuleren',
      actionRefund: 'Terugbetalen…',
      actionResend: 'Bevestiging opnieuw sturen',
      typeCancel: 'Annulering',
      typeRefund: 'Terugbetaling',
      typeResend: 'Bevestiging opnieuw gestuurd',
      refundWhat: 'Wat terugbetalen',
      refundWhole: 'De hele bestelling ({amount})',
      refundLines: 'Gekozen regels',
      refundAmount: 'Een bedrag',
      refundAmountLabel: 'Bedrag in {currency}',
      quantityOf: 'Aantal van {name}',
      refundCaps:
        'Terugbetalingen: hoogstens {max} per keer en {daily} per medewerker per dag; je betaalde vandaag {today} terug.',
      actionReason: 'Reden (optioneel)',
      chooseLines: 'Kies minstens één regel om terug te betalen.',
      confirmCancel: 'Bestelling #{id} ({amount}) annuleren?',
      confirmRefund: '{amount} van bestelling #{id} terugbetalen?',
      confirmResend: 'De bevestiging van bestelling #{id} opnieuw sturen?',
      overCeilingWarning: 'Dit is meer dan de {max} die één terugbetaling mag zijn: de winkel zal het weigeren.',
      statusSucceeded: 'Klaar: {what} van bestelling #{id} gelukt.',
      statusRejected: 'De winkel weigerde: {message}',
      statusRejectedPlain: 'De winkel weigerde het verzoek.',
      statusPending: 'Naar de winkel gestuurd; die heeft nog niet geantwoord. Het resultaat verschijnt hier na verversen.',
      refundOverCeiling: 'Geweigerd: {amount} is meer dan de {max} die één terugbetaling mag zijn.',
      refundOverDaily:
        'Geweigerd: {amount} gaat over je daglimiet voor terugbetalingen van {max} (vandaag {today} terugbetaald).',
      orderNotRefundable: 'Deze bestelling kan niet worden terugbetaald (niets meer terug te betalen, of niet betaald).',
      orderNotCancellable: 'Deze bestelling kan niet meer worden geannuleerd.',
      actionNotAllowed: 'Deze winkel staat die actie vanuit het paneel niet toe.',
      keyReused: 'Dit verzoek is al met andere gegevens verstuurd. Sluit het venster en begin opnieuw.',
      st_pending: 'in behandeling',
      st_succeeded: 'gelukt',
      st_rejected: 'geweigerd',
      st_failed: 'mislukt',
      by: 'door {name}',
      os_pending: 'open',
      os_paid: 'betaald',
      os_shipped: 'verzonden',
      os_delivered: 'bezorgd',
      os_cancelled: 'geannuleerd',
      os_refunded: 'terugbetaald',
      ss_pending: 'wacht op verzending',
      ss_shipped: 'verzonden',
      ss_in_transit: 'onderweg',
      ss_delivered: 'bezorgd',
      ss_returned: 'retour',
      ss_failed: 'bezorging mislukt',
      cs_open: 'open',
      cs_resolved: 'opgelost',
      cs_pending: 'in afwachting',
      cs_snoozed: 'gesluimerd',
      risk_low: 'laag',
      risk_medium: 'gemiddeld',
      risk_high: 'hoog',
      risk_unknown: 'onbekend',
      p_low: 'laag',
      p_normal: 'normaal',
      p_high: 'hoog',
      p_urgent: 'urgent',
    },
  };
  var lang = 'en';
  var locale = 'en';

  /** @param {string|null|undefined} storeLocale */
  function setLocale(storeLocale) {
    locale = storeLocale || 'en';
    var primary = locale.split(/[-_]/)[0].toLowerCase();
    lang = DICT[primary] ? primary : 'en';
    document.documentElement.lang = lang;
  }

  /**
   * @param {string} key
   * @param {Record<string, string|number>} [vars]
   */
  function t(key, vars) {
    var text = DICT[lang][key] !== undefined ? DICT[lang][key] : DICT.en[key] !== undefined ? DICT.en[key] : key;
    if (!vars) return text;
    return text.replace(/\{(\w+)\}/g, function (whole, name) {
      return vars[name] !== undefined ? String(vars[name]) : whole;
    });
  }
  /** A word from a closed set (statuses, levels), falling back to the raw value. @param {string} prefix @param {string} value */
  function word(prefix, value) {
    var key = prefix + value;
    return DICT[lang][key] !== undefined || DICT.en[key] !== undefined ? t(key) : value;
  }

  // ---- DOM helpers --------------------------------------------------------------------------
  /**
   * @param {string} tag
   * @param {Attrs|null} [attrs]
   * @param {...Child} children appended in order
   * @returns {HTMLElement}
   */
  function el(tag, attrs, ...children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (key) {
        var value = attrs[key];
        if (value === undefined || value === null || value === false) return;
        if (key === 'class') node.className = String(value);
        else if (typeof value === 'function') node.addEventListener(key.slice(2), value);
        else node.setAttribute(key, value === true ? '' : String(value));
      });
    }
    append(node, children);
    return node;
  }
  /** @param {Node} node @param {Child} child */
  function append(node, child) {
    if (child === undefined || child === null || child === false) return;
    if (Array.isArray(child)) {
      child.forEach(function (c) {
        append(node, c);
      });
      return;
    }
    node.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
  /** @param {Node} node */
  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }
  /** @param {Node} node @param {Child} child */
  function replaceContent(node, child) {
    clear(node);
    append(node, child);
  }
  /** @param {string} text @param {string} [kind] */
  function showStatus(text, kind) {
    clear(app);
    // Only the status line is live: the panel itself is redrawn on every refresh and must not be read out again.
    app.appendChild(el('p', { class: kind || 'status', id: 'status', role: kind === 'error' ? 'alert' : 'status' }, text));
  }
  /** @param {string} id */
  function byId(id) {
    return document.getElementById(id);
  }

  // ---- formatting ---------------------------------------------------------------------------
  /** @param {string} currency */
  function fractionFactor(currency) {
    try {
      var digits = new Intl.NumberFormat(locale, { style: 'currency', currency: currency }).resolvedOptions()
        .maximumFractionDigits;
      return Math.pow(10, digits === undefined ? 2 : digits);
    } catch (e) {
      return 100;
    }
  }
  /** @param {number|null|undefined} minor @param {string|null|undefined} currency */
  function money(minor, currency) {
    if (minor === null || minor === undefined) return '–';
    var cur = currency || (state.context && state.context.currency) || 'EUR';
    try {
      return new Intl.NumberFormat(locale, { style: 'currency', currency: cur }).format(minor / fractionFactor(cur));
    } catch (e) {
      return minor + ' ' + cur;
    }
  }
  /** @param {string|null|undefined} iso */
  function date(iso) {
    if (!iso) return '–';
    try {
      return new Date(iso).toLocaleDateString(locale, { year: 'numeric', month: 'short', day: 'numeric' });
    } catch (e) {
      return iso.slice(0, 10);
    }
  }
  /** '2026-02' → 'Feb' / 'feb' in the store's language. @param {string} month @param {boolean} [withYear] */
  function monthName(month, withYear) {
    var parts = month.split('-');
    var d = new Date(Date.UTC(Number(parts[0]), Number(parts[1]) - 1, 1));
    try {
      return d.toLocaleDateString(
        locale,
        withYear ? { month: 'long', year: 'numeric', timeZone: 'UTC' } : { month: 'short', timeZone: 'UTC' },
      );
    } catch (e) {
      return month;
    }
  }
  /** @param {number|null|undefined} seconds */
  function duration(seconds) {
    if (seconds === null || seconds === undefined) return '–';
    var m = Math.floor(seconds / 60);
    return m >= 60 ? Math.floor(m / 60) + ' h ' + (m % 60) + ' min' : m + ' min ' + (seconds % 60) + ' s';
  }
  /** @param {Context} c */
  function frequencyText(c) {
    var days = c.average_days_between_orders;
    if (days !== null && days !== undefined) return days <= 1 ? t('everyDay') : t('everyDays', { n: days });
    if (c.customer && c.customer.order_count === 1) return t('firstOrder');
    return c.customer && c.customer.order_count > 1 ? '–' : t('noOrdersYet');
  }

  // ---- API ------------------------------------------------------------------------------------
  /**
   * @param {string} method
   * @param {string} path
   * @param {object} [body]
   * @returns {Promise<any>} the JSON answer; `lastStatus` on the result's holder is not needed by callers
   */
  function api(method, path, body) {
    return apiWithStatus(method, path, body).then(function (answer) {
      return answer.json;
    });
  }
  /**
   * @param {string} method
   * @param {string} path
   * @param {object} [body]
   * @returns {Promise<{status: number, json: any}>}
   */
  function apiWithStatus(method, path, body) {
    var base = 'v1/context/accounts/' + encodeURIComponent(String(state.accountId));
    /** @type {Record<string, string>} */
    var headers = { 'x-context-token': TOKEN, accept: 'application/json' };
    /** @type {RequestInit} */
    var init = { method: method, headers: headers };
    if (body) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(base + path, init).then(
      function (response) {
        return response.text().then(function (text) {
          var json = null;
          try {
            json = text ? JSON.parse(text) : null;
          } catch (e) {
            json = null;
          }
          if (!response.ok) {
            /** @type {ApiError} */
            var error = new Error((json && typeof json.message === 'string' && json.message) || 'HTTP ' + response.status);
            error.code = json && typeof json.code === 'string' ? json.code : undefined;
            error.status = response.status;
            throw error;
          }
          return { status: response.status, json: json };
        });
      },
      function () {
        /** @type {ApiError} */
        var error = new Error('network');
        error.status = 0;
        throw error;
      },
    );
  }

  /**
   * What an agent reads for a failed request: plain language by status and code. Our own 4xx
   * refusals (validation, caps) keep their message; upstream and server failures never show theirs.
   * @param {ApiError} error
   * @param {boolean} [ownRefusalsVerbatim]
   */
  function errorText(error, ownRefusalsVerbatim) {
    var status = error.status || 0;
    var code = error.code || '';
    if (status === 0) return t('errUnreachable');
    if (code.indexOf('CHATWOOT') === 0) return t('errChatwoot');
    if (status === 429) return t('errRateLimited');
    if (status >= 500) return t('errUnavailable');
    if (status === 401) return t('errAuth');
    if (code === 'ORDER_ACTION_NOT_ALLOWED') return t('actionNotAllowed');
    if (code === 'IDEMPOTENCY_KEY_REUSED') return t('keyReused');
    if (code === 'ALREADY_ESCALATED') return t('alreadyEscalated');
    if (ownRefusalsVerbatim && (status === 409 || status === 422 || status === 400)) return error.message;
    if (status === 403) return t('errForbidden');
    if (status === 404) return t('errNotFound');
    return t('errGeneric');
  }
  /** @param {ApiError} error */
  function retryable(error) {
    var status = error.status || 0;
    return status === 0 || status === 429 || status >= 500;
  }

  // ---- Chatwoot protocol ----------------------------------------------------------------------
  window.addEventListener('message', function (event) {
    if (!DASHBOARD_ORIGIN || event.origin !== DASHBOARD_ORIGIN) return;
    if (event.source && event.source !== window.parent) return;
    if (typeof event.data !== 'string') return;
    var message;
    try {
      message = JSON.parse(event.data);
    } catch (e) {
      return;
    }
    if (!message || message.event !== 'appContext' || !message.data) return;
    onAppContext(message.data);
  });

  /** @param {any} data Chatwoot's appContext: {conversation, contact, currentAgent} (DashboardApp/Frame.vue) */
  function onAppContext(data) {
    var conversation = data.conversation || {};
    var contact = data.contact || {};
    var sender = (conversation.meta && conversation.meta.sender) || {};
    var accountId = conversation.account_id || (conversation.meta && conversation.meta.account_id);
    var contactId = contact.id || sender.id;
    if (!accountId || !contactId) return showStatus(t('openConversation'), 'status');
    var attributes = contact.custom_attributes || sender.custom_attributes || {};
    state.accountId = accountId;
    state.contactId = contactId;
    state.conversationId = conversation.id || null;
    state.conversationLabels = Array.isArray(conversation.labels) ? conversation.labels.map(String) : [];
    state.conversationPriority = typeof conversation.priority === 'string' ? conversation.priority : null;
    state.supportPriority = typeof attributes.support_priority === 'string' ? attributes.support_priority : null;
    state.agent = data.currentAgent || null;
    var key = accountId + ':' + contactId + ':' + state.conversationId;
    if (state.loadedFor === key) return;
    state.loadedFor = key;
    state.actionPanel = null;
    state.orderPanels = {};
    load();
  }

  /** The context of the open contact, saying which agent asks (their allowances are counted per agent). */
  function contextPath() {
    var agentId = state.agent && state.agent.id;
    return '/contacts/' + state.contactId + (agentId ? '?agentId=' + encodeURIComponent(String(agentId)) : '');
  }

  function load() {
    if (!TOKEN) return showStatus(t('noToken'), 'error');
    showStatus(t('loadingCustomer'));
    var key = state.loadedFor;
    api('GET', contextPath())
      .then(function (context) {
        if (state.loadedFor !== key) return;
        show(context);
      })
      .catch(function (error) {
        if (state.loadedFor !== key) return;
        showLoadError(error);
      });
  }

  /** After every action: the context again, drawn over the old one; open forms and results stay. */
  function refresh() {
    var key = state.loadedFor;
    return api('GET', contextPath())
      .then(function (context) {
        if (state.loadedFor === key) show(context);
      })
      .catch(function () {
        var notice = byId('refresh-error');
        if (notice) replaceContent(notice, t('refreshFailed'));
      });
  }

  /** @param {ApiError} error */
  function showLoadError(error) {
    clear(app);
    append(
      app,
      el(
        'section',
        { id: 'load-error', role: 'alert' },
        el('p', { class: 'error', id: 'status' }, errorText(error)),
        el('button', { type: 'button', id: 'retry', class: 'primary', onclick: load }, t('retry')),
      ),
    );
  }

  /** @param {Context} context */
  function show(context) {
    state.context = context;
    setLocale(context.locale);
    if (!context.linked) return renderUnlinked(context);
    render(context);
    // Insights and suggestions are slower to compute: they fill in when they arrive.
    api('GET', '/contacts/' + state.contactId + '/insights')
      .then(function (insights) {
        replaceSection('insights', insightsSection(insights));
      })
      .catch(function (error) {
        replaceSection('insights', failedSection('insights', t('insights'), error));
      });
    api('GET', '/contacts/' + state.contactId + '/recommendations')
      .then(function (recs) {
        replaceSection('recommendations', recommendations(recs));
      })
      .catch(function (error) {
        replaceSection('recommendations', failedSection('recommendations', t('suggestions'), error));
      });
  }

  /** @param {string} id @param {HTMLElement|null} section */
  function replaceSection(id, section) {
    var current = byId(id);
    if (current && current.parentNode && section) current.parentNode.replaceChild(section, current);
  }
  /** @param {string} id @param {string} title */
  function placeholder(id, title) {
    return el('section', { id: id }, el('h2', null, title), el('div', { class: 'muted' }, t('loading')));
  }
  /** @param {string} id @param {string} title @param {ApiError} error */
  function failedSection(id, title, error) {
    return el('section', { id: id }, el('h2', null, title), el('div', { class: 'error' }, errorText(error)));
  }

  // ---- rendering ------------------------------------------------------------------------------
  /** @param {Context} context */
  function renderUnlinked(context) {
    clear(app);
    append(app, [
      el('div', { id: 'refresh-error', class: 'error', role: 'status' }),
      el('section', { id: 'not-linked' }, el('h1', null, t('notLinked')), el('p', { class: 'muted' }, t('notLinkedText'))),
      escalationHistory(context),
      actions(context),
    ]);
  }

  /** @param {Context} c */
  function render(c) {
    var customer = /** @type {NonNullable<Context['customer']>} */ (c.customer);
    clear(app);
    var main = el(
      'div',
      { class: 'col', id: 'col-main' },
      el(
        'section',
        { id: 'customer' },
        el(
          'div',
          { class: 'header' },
          el('h1', { id: 'customer-name' }, customer.name),
          el('span', { id: 'tier', class: 'badge tier-' + String(customer.tier).toLowerCase() }, customer.tier),
        ),
        el('div', { class: 'muted' }, customer.email),
        el('div', { class: 'muted', id: 'customer-since' }, t('customerSince', { date: date(customer.registration_date) })),
      ),
      el(
        'section',
        { id: 'figures' },
        el('h2', null, t('keyFigures')),
        el(
          'div',
          { class: 'figures' },
          figure(money(customer.total_spent, c.currency), t('totalSpent')),
          figure(String(customer.order_count), t('orders')),
          figure(money(c.average_order_value, c.currency), t('averageOrder')),
          figure(frequencyText(c), t('buys'), 'frequency'),
          figure(c.satisfaction_score === null ? '–' : c.satisfaction_score + ' / 5', t('satisfaction')),
          figure(c.favorite_categories.length ? c.favorite_categories.join(', ') : '–', t('favouriteCategories')),
        ),
      ),
      session(c),
      cart(c),
      orders(c),
      orderActionHistory(c),
    );
    var side = el(
      'div',
      { class: 'col', id: 'col-side' },
      placeholder('insights', t('insights')),
      placeholder('recommendations', t('suggestions')),
      conversations(c),
      escalationHistory(c),
      actions(c),
    );
    append(app, [
      el('div', { id: 'refresh-error', class: 'error', role: 'status' }),
      priorityBanner(c),
      el('div', { class: 'columns' }, main, side),
    ]);
  }

  /** @param {string} value @param {string} label @param {string} [id] */
  function figure(value, label, id) {
    return el('div', { class: 'figure', id: id }, el('b', null, value), el('span', null, label));
  }

  /**
   * VIP / priority: from the customer's tier, the contact's support_priority attribute and the
   * conversation's labels and priority, all of which Chatwoot's appContext or the context carry.
   * @param {Context} c
   */
  function priorityBanner(c) {
    var reasons = [];
    var tier = c.customer ? String(c.customer.tier) : '';
    var labelled = state.conversationLabels.some(function (l) {
      return l.toLowerCase() === 'vip';
    });
    var urgent = state.supportPriority === 'urgent' || state.conversationPriority === 'urgent';
    if (labelled) reasons.push(t('bannerLabel'));
    if (state.supportPriority === 'urgent' || state.supportPriority === 'high')
      reasons.push(t('bannerPriority', { p: word('p_', state.supportPriority) }));
    if (state.conversationPriority === 'urgent' || state.conversationPriority === 'high')
      reasons.push(t('bannerConversation', { p: word('p_', state.conversationPriority) }));
    if (tier === 'Platinum' || tier === 'Gold') reasons.push(t('bannerTier', { tier: tier }));
    if (!reasons.length) return null;
    var vip = labelled || tier === 'Platinum' || tier === 'Gold';
    return el(
      'section',
      { id: 'priority-banner', class: 'banner' + (urgent ? ' urgent' : ''), role: 'note' },
      el('b', null, vip ? t('vip') : t('priorityCustomer')),
      el('span', null, ' · ' + reasons.join(' · ')),
    );
  }

  /** @param {Context} c */
  function session(c) {
    if (!c.current_page && !c.pages_visited) return null;
    return el(
      'section',
      { id: 'session' },
      el('h2', null, c.session_active ? t('onShopNow') : t('lastVisit', { date: date(c.last_seen_at) })),
      c.current_page ? el('div', null, t('viewing'), el('span', { class: 'code' }, c.current_page)) : null,
      el('div', { class: 'muted' }, t('pagesAndTime', { n: c.pages_visited, time: duration(c.session_duration) })),
      c.products_viewed.length
        ? el(
            'ul',
            null,
            c.products_viewed.slice(0, 5).map(function (p) {
              return el('li', null, p.name || p.productId || p.url);
            }),
          )
        : null,
    );
  }

  /** @param {Context} c */
  function cart(c) {
    var current = c.current_cart;
    if (!current || !current.items.length)
      return el('section', { id: 'cart' }, el('h2', null, t('cart')), el('div', { class: 'muted' }, t('empty')));
    return el(
      'section',
      { id: 'cart' },
      el('h2', null, t('cartTotal', { total: money(current.total, c.currency) })),
      el(
        'ul',
        null,
        current.items.map(function (i) {
          return el(
            'li',
            { class: 'row' },
            el('span', null, i.quantity + ' × ' + i.name),
            el('span', null, money(i.unit_price * i.quantity, c.currency)),
          );
        }),
      ),
    );
  }

  /** @param {Context} c */
  function orders(c) {
    return el(
      'section',
      { id: 'orders' },
      el('h2', null, t('recentOrders')),
      c.recent_orders.length
        ? el(
            'ul',
            null,
            c.recent_orders.map(function (o) {
              var panel = state.orderPanels[o.id] || null;
              // A refund dialog left open shows the caps of this (fresh) context.
              var caps = panel && panel.querySelector('.caps');
              if (caps && c.action_policy) replaceContent(caps, refundCapsText(c.action_policy, o.currency));
              return el(
                'li',
                { id: 'order-' + o.id, class: 'order' },
                el('div', { class: 'row' }, el('b', null, '#' + o.id), el('span', null, money(o.total, o.currency))),
                el(
                  'div',
                  { class: 'muted' },
                  date(o.placed_at) +
                    ' · ' +
                    word('os_', o.status) +
                    (o.items.length
                      ? ' · ' +
                        o.items
                          .map(function (i) {
                            return i.name;
                          })
                          .join(', ')
                      : ''),
                ),
                shipments(o),
                orderActionButtons(c, o),
                panel,
              );
            }),
          )
        : el('div', { class: 'muted' }, t('noOrders')),
    );
  }

  /** @param {Order} o */
  function shipments(o) {
    var list = Array.isArray(o.shipments) ? o.shipments : [];
    if (!list.length) return null;
    return el(
      'ul',
      { class: 'shipments' },
      list.map(function (s) {
        var dates = [];
        if (s.shipped_at) dates.push(t('shippedOn', { date: date(s.shipped_at) }));
        if (s.delivered_at) dates.push(t('deliveredOn', { date: date(s.delivered_at) }));
        var safeUrl = s.tracking_url && /^https?:\/\//i.test(s.tracking_url) ? s.tracking_url : null;
        return el(
          'li',
          { class: 'shipment', 'data-shipment': s.id },
          el(
            'div',
            { class: 'row' },
            el(
              'span',
              null,
              (s.carrier || t('shipment')) + ' · ',
              el('span', { class: 'badge ship-' + s.status }, word('ss_', s.status)),
            ),
            dates.length ? el('span', { class: 'muted' }, dates.join(' · ')) : null,
          ),
          safeUrl
            ? el(
                'a',
                { href: safeUrl, target: '_blank', rel: 'noopener noreferrer', class: 'tracking' },
                s.tracking_number ? t('track', { number: s.tracking_number }) : t('trackPlain'),
                el('span', { class: 'sr-only' }, ' ' + t('opensInNewTab')),
              )
            : s.tracking_number
              ? el('span', { class: 'code' }, s.tracking_number)
              : null,
        );
      }),
    );
  }

  /** @param {Insights} insights */
  function insightsSection(insights) {
    if (!insights) return null;
    var c = /** @type {Context} */ (state.context);
    var m = function (/** @type {number} */ v) {
      return money(v, c.currency);
    };
    var tp = insights.tier_progress;
    var trend = insights.spend_trend;
    var risk = insights.churn_risk;
    var vars = { amount: m(trend.recent), n: trend.window_months, pct: Math.abs(trend.change_percent || 0) };
    var trendText =
      trend.direction === 'none'
        ? t('noSpend', vars)
        : trend.direction === 'new'
          ? t('spendNew', vars)
          : trend.direction === 'up'
            ? t('spendUp', vars)
            : trend.direction === 'down'
              ? t('spendDown', vars)
              : t('spendFlat', vars);
    return el(
      'section',
      { id: 'insights' },
      el('h2', null, t('insights')),
      tp.next_tier
        ? el(
            'div',
            null,
            t('toNextTier', { amount: m(tp.remaining), tier: tp.next_tier }),
            el(
              'div',
              {
                class: 'progress',
                role: 'progressbar',
                'aria-label': t('toNextTier', { amount: m(tp.remaining), tier: tp.next_tier }),
                'aria-valuenow': tp.progress_percent,
                'aria-valuemin': 0,
                'aria-valuemax': 100,
              },
              el('div', { 'data-progress': tp.progress_percent }),
            ),
          )
        : el('div', null, t('topTier')),
      chart(insights.monthly_spend, c.currency),
      el('div', { id: 'spend-trend' }, trendText),
      el(
        'div',
        { id: 'churn' },
        t('churnRisk'),
        el('span', { class: 'badge risk-' + risk.level, id: 'churn-risk' }, word('risk_', risk.level)),
        risk.days_since_last_order !== null && risk.days_since_last_order !== undefined
          ? el('span', { class: 'muted' }, ' · ' + t('daysSinceOrder', { n: risk.days_since_last_order }))
          : null,
      ),
      insights.seasonal_patterns.peak_months.length
        ? el('div', { class: 'muted' }, t('peakMonths', { months: insights.seasonal_patterns.peak_months.join(', ') }))
        : null,
    );
  }

  var SVG = 'http://www.w3.org/2000/svg';
  /**
   * A bar per month with the month's short name under it and the month's spend in the store's
   * money as its tooltip (an SVG <title>), plus the highest month's amount as the scale.
   * @param {{ month: string, total: number }[]} series
   * @param {string} currency
   */
  function chart(series, currency) {
    /** @param {string} name @param {Record<string, string>} attrs */
    function svgEl(name, attrs) {
      var node = document.createElementNS(SVG, name);
      Object.keys(attrs).forEach(function (k) {
        node.setAttribute(k, attrs[k]);
      });
      return node;
    }
    var width = 240;
    var barArea = 60;
    var top = 12;
    var svg = svgEl('svg', {
      class: 'chart',
      viewBox: '0 0 ' + width + ' ' + (top + barArea + 14),
      role: 'img',
      'aria-label': t('spendChart'),
    });
    var max = Math.max.apply(
      null,
      series
        .map(function (p) {
          return p.total;
        })
        .concat([1]),
    );
    var step = width / Math.max(1, series.length);
    var peak = svgEl('text', { x: '0', y: '9', class: 'scale' });
    peak.textContent = max > 1 ? money(max, currency) : '';
    svg.appendChild(peak);
    series.forEach(function (point, i) {
      var h = Math.max(point.total > 0 ? 1 : 0, Math.round((point.total / max) * barArea));
      var group = svgEl('g', { class: 'bar', 'data-month': point.month });
      var rect = svgEl('rect', {
        x: String(i * step + 2),
        y: String(top + barArea - h),
        width: String(step - 4),
        height: String(h),
      });
      var title = document.createElementNS(SVG, 'title');
      title.textContent = monthName(point.month, true) + ': ' + money(point.total, currency);
      rect.appendChild(title);
      // A transparent full-height target, so months with little spend still show their tooltip.
      var hit = svgEl('rect', {
        x: String(i * step),
        y: String(top),
        width: String(step),
        height: String(barArea),
        class: 'hit',
      });
      hit.appendChild(title.cloneNode(true));
      var label = svgEl('text', { x: String(i * step + step / 2), y: String(top + barArea + 11), class: 'month' });
      label.textContent = monthName(point.month);
      group.appendChild(hit);
      group.appendChild(rect);
      group.appendChild(label);
      svg.appendChild(group);
    });
    return svg;
  }

  /** @param {Recommendations} recs */
  function recommendations(recs) {
    if (!recs) return null;
    var currency = state.context ? state.context.currency : 'EUR';
    return el(
      'section',
      { id: 'recommendations' },
      el('h2', null, t('suggestions')),
      recs.recommendations.length
        ? el(
            'ul',
            null,
            recs.recommendations.map(function (r) {
              var reason =
                lang === 'en' ? r.reason : r.reason_code === 'bought_together' ? t('boughtTogether') : t('favouriteCategory');
              return el(
                'li',
                null,
                el('div', { class: 'row' }, el('b', null, r.name), el('span', null, money(r.price, currency))),
                el('div', { class: 'muted' }, reason),
              );
            }),
          )
        : el('div', { class: 'muted' }, t('nothingToSuggest')),
    );
  }

  /** The customer's earlier conversations: the one open in Chatwoot now is not "previous". @param {Context} c */
  function conversations(c) {
    var previous = c.previous_conversations.filter(function (v) {
      return v.id !== state.conversationId;
    });
    if (!previous.length) return null;
    return el(
      'section',
      { id: 'conversations' },
      el('h2', null, t('previousConversations')),
      el(
        'ul',
        null,
        previous.slice(0, 5).map(function (v) {
          return el(
            'li',
            { class: 'row', 'data-conversation': v.id },
            el('span', null, '#' + v.id + ' · ' + word('cs_', v.status)),
            el('span', { class: 'muted' }, (v.csat_rating ? v.csat_rating + '★ · ' : '') + date(v.created_at)),
          );
        }),
      ),
    );
  }

  /** @param {Context} c */
  function escalationHistory(c) {
    if (!c.escalation_history || !c.escalation_history.length) return null;
    return el(
      'section',
      { id: 'escalations' },
      el('h2', null, t('escalations')),
      el(
        'ul',
        null,
        c.escalation_history.map(function (e) {
          return el(
            'li',
            null,
            el('div', null, '#' + e.conversation_id + ' · ' + date(e.created_at)),
            el('div', { class: 'muted' }, e.reason),
          );
        }),
      ),
    );
  }

  // ---- order actions (PANEL-CONTRACT: action_policy, order_actions, POST .../orders/:id/actions) ----
  /** @param {Context} c */
  function actionPolicy(c) {
    var p = c.action_policy;
    return p && p.enabled && Array.isArray(p.allowed) && p.allowed.length ? p : null;
  }
  /** @param {ActionType} type */
  function typeName(type) {
    return type === 'cancel' ? t('typeCancel') : type === 'refund' ? t('typeRefund') : t('typeResend');
  }

  /** @param {Context} c @param {Order} o */
  function orderActionButtons(c, o) {
    var found = actionPolicy(c);
    if (!found) return null;
    var policy = found;
    var closed = o.status === 'cancelled' || o.status === 'refunded';
    /** @type {[ActionType, string][]} */
    var all = [
      ['cancel', t('actionCancel')],
      ['refund', t('actionRefund')],
      ['resend_confirmation', t('actionResend')],
    ];
    var buttons = all
      .filter(function (entry) {
        return policy.allowed.indexOf(entry[0]) >= 0 && !(closed && entry[0] !== 'resend_confirmation');
      })
      .map(function (entry) {
        return el(
          'button',
          {
            type: 'button',
            class: 'small',
            'data-action': entry[0],
            'aria-label': entry[1] + ' #' + o.id,
            onclick: function () {
              openOrderAction(c, o, entry[0]);
            },
          },
          entry[1],
        );
      });
    return buttons.length ? el('div', { class: 'actions order-actions' }, buttons) : null;
  }

  /** @param {Context} c @param {Order} o @param {ActionType} type */
  function openOrderAction(c, o, type) {
    Object.keys(state.orderPanels).forEach(function (id) {
      var node = state.orderPanels[id];
      if (node.parentNode) node.parentNode.removeChild(node);
    });
    state.orderPanels = {};
    var panel = el('div', { class: 'order-action', id: 'order-action-' + o.id, 'data-type': type });
    state.orderPanels[o.id] = panel;
    var li = byId('order-' + o.id);
    if (li) li.appendChild(panel);
    if (type === 'refund') panel.appendChild(refundForm(c, o));
    else
      startOrderAction(
        c,
        o,
        panel,
        { type: type },
        type === 'cancel'
          ? t('confirmCancel', { id: o.id, amount: money(o.total, o.currency) })
          : t('confirmResend', { id: o.id }),
        null,
      );
  }

  /** @param {Context} c @param {Order} o */
  function refundForm(c, o) {
    var policy = /** @type {ActionPolicy} */ (c.action_policy);
    var uid = 'refund-' + o.id;
    var form = el('form', { class: 'refund-form', id: uid + '-form', novalidate: true });
    /** @param {string} value @param {string} label */
    var radio = function (value, label) {
      return el(
        'label',
        { class: 'choice' },
        el('input', { type: 'radio', name: uid + '-mode', value: value, checked: value === 'whole' }),
        ' ' + label,
      );
    };
    var lineInputs = o.items.map(function (item, index) {
      var id = uid + '-line-' + index;
      return {
        item: item,
        input: /** @type {HTMLInputElement} */ (
          el('input', { id: id, type: 'number', min: '0', max: String(item.quantity), step: '1', value: '0', class: 'qty' })
        ),
        id: id,
      };
    });
    var amountId = uid + '-amount';
    var amount = /** @type {HTMLInputElement} */ (el('input', { id: amountId, type: 'number', min: '0', step: 'any' }));
    var reasonId = uid + '-reason';
    var reason = /** @type {HTMLTextAreaElement} */ (el('textarea', { id: reasonId, maxlength: '500' }));
    var message = el('div', { class: 'order-action-message', role: 'status' });
    var submit = el('button', { type: 'submit', class: 'primary', id: uid + '-submit' }, t('continue'));
    append(form, [
      el('div', { class: 'muted caps', id: uid + '-caps' }, refundCapsText(policy, c.currency)),
      el(
        'fieldset',
        null,
        el('legend', null, t('refundWhat')),
        radio('whole', t('refundWhole', { amount: money(o.total, o.currency) })),
        radio('lines', t('refundLines')),
        el(
          'div',
          { class: 'lines' },
          lineInputs.map(function (l) {
            return el(
              'div',
              { class: 'inline' },
              el(
                'label',
                { for: l.id },
                t('quantityOf', { name: l.item.name }) +
                  ' (≤ ' +
                  l.item.quantity +
                  ', ' +
                  money(l.item.unit_price, o.currency) +
                  ')',
              ),
              l.input,
            );
          }),
        ),
        radio('amount', t('refundAmount')),
        el('div', { class: 'inline' }, el('label', { for: amountId }, t('refundAmountLabel', { currency: o.currency })), amount),
      ),
      el('label', { for: reasonId }, t('actionReason')),
      reason,
      el('div', { class: 'actions' }, submit),
      message,
    ]);
    var mode = function () {
      var checked = /** @type {HTMLInputElement|null} */ (form.querySelector('input[name="' + uid + '-mode"]:checked'));
      return checked ? checked.value : 'whole';
    };
    // Typing into a line or the amount picks that mode.
    lineInputs.forEach(function (l) {
      l.input.addEventListener('input', function () {
        var r = /** @type {HTMLInputElement|null} */ (form.querySelector('input[value="lines"]'));
        if (r) r.checked = true;
      });
    });
    amount.addEventListener('input', function () {
      var r = /** @type {HTMLInputElement|null} */ (form.querySelector('input[value="amount"]'));
      if (r) r.checked = true;
    });
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      /** @type {{type: ActionType, amount?: number, lines?: {productId: string, quantity: number}[], reason?: string}} */
      var body = { type: 'refund' };
      var total = o.total;
      if (mode() === 'lines') {
        var lines = lineInputs
          .map(function (l) {
            return { item: l.item, quantity: Math.min(l.item.quantity, Math.max(0, Math.floor(Number(l.input.value) || 0))) };
          })
          .filter(function (l) {
            return l.quantity > 0;
          });
        if (!lines.length) return replaceContent(message, el('span', { class: 'error' }, t('chooseLines')));
        body.lines = lines.map(function (l) {
          return { productId: l.item.product_id, quantity: l.quantity };
        });
        total = lines.reduce(function (sum, l) {
          return sum + l.item.unit_price * l.quantity;
        }, 0);
      } else if (mode() === 'amount') {
        var raw = Number(amount.value);
        if (!(raw > 0)) return replaceContent(message, el('span', { class: 'error' }, t('amountAboveZero')));
        body.amount = Math.round(raw * fractionFactor(o.currency));
        total = body.amount;
      }
      if (reason.value.trim()) body.reason = reason.value.trim();
      var warning =
        policy.refund_max_per_action > 0 && total > policy.refund_max_per_action
          ? t('overCeilingWarning', { max: money(policy.refund_max_per_action, o.currency) })
          : null;
      startOrderAction(
        c,
        o,
        message,
        body,
        t('confirmRefund', { amount: money(total, o.currency), id: o.id }),
        warning,
        submit,
        total,
      );
    });
    return form;
  }

  /** @param {ActionPolicy} policy @param {string} currency */
  function refundCapsText(policy, currency) {
    return t('refundCaps', {
      max: money(policy.refund_max_per_action, currency),
      daily: money(policy.refund_max_per_agent_per_day, currency),
      today: money(policy.refunded_by_agent_today, currency),
    });
  }

  /**
   * The confirmation step of an order action, then the POST. The idempotency key is made once for
   * this confirmation and reused by Retry, so a retried request can never become a second action.
   * @param {Context} c
   * @param {Order} o
   * @param {HTMLElement} target
   * @param {{type: ActionType, amount?: number, lines?: {productId: string, quantity: number}[], reason?: string}} body
   * @param {string} prompt
   * @param {string|null} warning
   * @param {HTMLElement} [submit]
   * @param {number} [amount]
   */
  function startOrderAction(c, o, target, body, prompt, warning, submit, amount) {
    var idempotencyKey = randomKey();
    /** @type {Record<string, unknown>} */
    var payload = Object.assign({ idempotencyKey: idempotencyKey }, agentFields(), body);
    if (state.conversationId) payload.conversationId = state.conversationId;
    confirmStep(target, {
      prompt: prompt,
      warning: warning,
      id: 'order-action',
      kind: body.type === 'cancel' ? 'danger' : 'primary',
      submit: submit,
      run: function () {
        return apiWithStatus(
          'POST',
          '/contacts/' + state.contactId + '/orders/' + encodeURIComponent(o.id) + '/actions',
          payload,
        );
      },
      done: function (/** @type {{status: number, json: {action: OrderAction}}} */ answer) {
        var action = answer.json && answer.json.action;
        var status = action ? action.status : 'pending';
        var what =
          typeName(body.type) +
          (body.type === 'refund' && action && action.amount !== null
            ? ' ' + money(action.amount, action.currency || o.currency)
            : '');
        if (status === 'succeeded')
          return el(
            'div',
            { class: 'success', id: 'order-action-result', 'data-status': status },
            t('statusSucceeded', { what: what, id: o.id }),
          );
        if (status === 'rejected' || status === 'failed')
          return el(
            'div',
            { class: 'error', id: 'order-action-result', 'data-status': status },
            action && action.platform_message
              ? t('statusRejected', { message: action.platform_message })
              : t('statusRejectedPlain'),
          );
        return el('div', { class: 'pending', id: 'order-action-result', 'data-status': 'pending' }, t('statusPending'));
      },
      refusal: function (/** @type {ApiError} */ error) {
        var policy = c.action_policy;
        var cur = o.currency;
        var asked = money(amount === undefined ? o.total : amount, cur);
        if (policy && error.code === 'REFUND_OVER_CEILING')
          return t('refundOverCeiling', { amount: asked, max: money(policy.refund_max_per_action, cur) });
        if (policy && error.code === 'REFUND_OVER_DAILY_LIMIT')
          return t('refundOverDaily', {
            amount: asked,
            max: money(policy.refund_max_per_agent_per_day, cur),
            today: money(policy.refunded_by_agent_today, cur),
          });
        if (error.code === 'ORDER_NOT_REFUNDABLE') return t('orderNotRefundable');
        if (error.code === 'ORDER_NOT_CANCELLABLE') return t('orderNotCancellable');
        return null;
      },
    });
  }

  function randomKey() {
    if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID();
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map
      .call(bytes, function (/** @type {number} */ b) {
        return (b + 256).toString(16).slice(1);
      })
      .join('');
  }

  /** @param {Context} c */
  function orderActionHistory(c) {
    var list = Array.isArray(c.order_actions) ? c.order_actions : [];
    if (!list.length) return null;
    return el(
      'section',
      { id: 'order-actions' },
      el('h2', null, t('orderActions')),
      el(
        'ul',
        null,
        list.map(function (a) {
          return el(
            'li',
            { 'data-action-id': a.id, 'data-status': a.status },
            el(
              'div',
              { class: 'row' },
              el(
                'span',
                null,
                typeName(a.type) +
                  ' · #' +
                  a.order_id +
                  (a.amount !== null ? ' · ' + money(a.amount, a.currency || c.currency) : ''),
              ),
              el('span', { class: 'badge status-' + a.status }, word('st_', a.status)),
            ),
            el(
              'div',
              { class: 'muted' },
              date(a.created_at) +
                (a.agent && a.agent.name ? ' · ' + t('by', { name: a.agent.name }) : '') +
                (a.reason ? ' · ' + a.reason : ''),
            ),
            a.platform_message ? el('div', { class: 'muted' }, a.platform_message) : null,
          );
        }),
      ),
    );
  }

  // ---- discount and escalation ------------------------------------------------------------------
  /** @param {Context} c */
  function actions(c) {
    var box = el('section', { id: 'actions' }, el('h2', null, t('actions')));
    if (!state.actionPanel) state.actionPanel = el('div', { id: 'action-panel' });
    var panel = state.actionPanel;
    var buttons = el(
      'div',
      { class: 'actions' },
      el(
        'button',
        {
          type: 'button',
          id: 'discount-open',
          onclick: function () {
            replaceContent(panel, discountForm(c));
          },
        },
        t('discountOpen'),
      ),
      state.conversationId
        ? el(
            'button',
            {
              type: 'button',
              id: 'escalate-open',
              class: 'danger',
              onclick: function () {
                replaceContent(panel, escalateForm());
              },
            },
            t('escalateOpen'),
          )
        : null,
    );
    append(box, [buttons, panel]);
    // A form left open shows the caps of this (fresh) context.
    var caps = panel.querySelector('#discount-caps');
    if (caps) replaceContent(caps, discountCapsText(c));
    return box;
  }

  function agentFields() {
    return state.agent ? { agentId: state.agent.id || undefined, agentName: state.agent.name || undefined } : {};
  }

  /** @param {Context} c */
  function discountCapsText(c) {
    var p = c.discount_policy;
    if (!p) return '';
    return t('discountCaps', {
      percent: p.max_percent,
      amount: money(p.max_fixed_amount, c.currency),
      used: p.used_by_agent_today,
      max: p.max_per_agent_per_day,
    });
  }

  /** @param {Context} c */
  function discountForm(c) {
    var p = c.discount_policy;
    var type = /** @type {HTMLSelectElement} */ (
      el(
        'select',
        { id: 'discount-type' },
        el('option', { value: 'percent' }, t('percentOff')),
        el('option', { value: 'fixed' }, t('amountOff', { currency: c.currency })),
      )
    );
    var value = /** @type {HTMLInputElement} */ (
      el('input', {
        id: 'discount-value',
        type: 'number',
        min: '1',
        step: 'any',
        required: true,
        'aria-describedby': 'discount-caps',
        max: p ? String(p.max_percent) : null,
      })
    );
    var submit = /** @type {HTMLButtonElement} */ (
      el('button', { type: 'submit', id: 'discount-submit', class: 'primary' }, t('continue'))
    );
    var message = el('div', { id: 'discount-message', role: 'status' });
    var form = el('form', { id: 'discount-form', novalidate: true });
    var enable = function () {
      submit.disabled = false;
    };
    value.addEventListener('input', enable);
    type.addEventListener('change', function () {
      enable();
      if (p) value.max = String(type.value === 'percent' ? p.max_percent : p.max_fixed_amount / fractionFactor(c.currency));
    });
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var raw = Number(value.value);
      if (!(raw > 0)) return replaceContent(message, el('span', { class: 'error' }, t('amountAboveZero')));
      var minor = type.value === 'percent' ? Math.round(raw) : Math.round(raw * fractionFactor(c.currency));
      var label =
        type.value === 'percent' ? t('percentLabel', { n: minor }) : t('moneyLabel', { amount: money(minor, c.currency) });
      var kind = type.value;
      confirmStep(message, {
        prompt: t('createCodeFor', { label: label }),
        id: 'discount',
        kind: 'primary',
        submit: submit,
        run: function () {
          /** @type {Record<string, unknown>} */
          var body = Object.assign({ type: kind, value: minor }, agentFields());
          if (state.conversationId) body.conversationId = state.conversationId;
          return api('POST', '/contacts/' + state.contactId + '/discount-codes', body);
        },
        done: function (/** @type {{code: string, expires_at: string, private_note?: string}} */ result) {
          return [
            el('div', { class: 'success' }, t('codeCreated')),
            el('div', { id: 'discount-code', class: 'code' }, result.code),
            el(
              'div',
              { class: 'muted' },
              t('validUntil', { date: date(result.expires_at) }) +
                (result.private_note === 'posted' ? t('notedInConversation') : ''),
            ),
          ];
        },
        refusal: function (/** @type {ApiError} */ error) {
          var policy = (state.context && state.context.discount_policy) || p;
          if (!policy) return null;
          if (error.code === 'DISCOUNT_PERCENT_TOO_HIGH' && minor <= 100)
            return t('discountPercentCap', { max: policy.max_percent });
          if (error.code === 'DISCOUNT_AMOUNT_TOO_HIGH')
            return t('discountAmountCap', { max: money(policy.max_fixed_amount, c.currency) });
          if (error.code === 'DISCOUNT_DAILY_LIMIT') return t('discountDailyLimit', { max: policy.max_per_agent_per_day });
          return null;
        },
      });
    });
    var typeId = 'discount-type';
    append(form, [
      el('div', { class: 'muted caps', id: 'discount-caps' }, discountCapsText(c)),
      el(
        'div',
        { class: 'inline' },
        el('label', { for: typeId }, t('discountType')),
        type,
        el('label', { for: 'discount-value' }, t('discountValue')),
        value,
        submit,
      ),
      message,
    ]);
    return form;
  }

  /**
   * The confirmation every action asks for: a prompt with Confirm and Cancel. Confirm runs the
   * action once (disabled while in flight); success shows the result, keeps the form's submit
   * disabled until its input changes, and refreshes the panel. A failure says what happened in
   * plain words, with Retry (same request) when trying again can help.
   * @param {HTMLElement} message
   * @param {{ prompt: string, warning?: string|null, id: string, kind: string, submit?: HTMLElement,
   *   run: () => Promise<any>, done: (result: any) => Child, refusal?: (error: ApiError) => string|null }} step
   */
  function confirmStep(message, step) {
    var submit = /** @type {HTMLButtonElement|undefined} */ (step.submit);
    var attempt = function (/** @type {HTMLButtonElement} */ button) {
      button.disabled = true;
      if (submit) submit.disabled = true;
      step
        .run()
        .then(function (result) {
          replaceContent(message, step.done(result));
          return refresh();
        })
        .catch(function (/** @type {ApiError} */ error) {
          if (submit) submit.disabled = false;
          var text = (step.refusal && step.refusal(error)) || errorText(error, true);
          var retry = retryable(error)
            ? el(
                'button',
                {
                  type: 'button',
                  id: step.id + '-retry',
                  onclick: function (/** @type {Event} */ e) {
                    attempt(/** @type {HTMLButtonElement} */ (e.currentTarget));
                  },
                },
                t('retry'),
              )
            : null;
          replaceContent(message, [el('div', { class: 'error', id: step.id + '-error', role: 'alert' }, text), retry]);
        });
    };
    replaceContent(message, [
      el('div', { id: step.id + '-prompt' }, step.prompt),
      step.warning ? el('div', { class: 'warning', id: step.id + '-warning' }, step.warning) : null,
      el(
        'div',
        { class: 'actions' },
        el(
          'button',
          {
            type: 'button',
            id: step.id + '-confirm',
            class: step.kind,
            onclick: function (/** @type {Event} */ e) {
              attempt(/** @type {HTMLButtonElement} */ (e.currentTarget));
            },
          },
          t('confirm'),
        ),
        el(
          'button',
          {
            type: 'button',
            onclick: function () {
              clear(message);
            },
          },
          t('cancel'),
        ),
      ),
    ]);
  }

  function escalateForm() {
    var reason = /** @type {HTMLTextAreaElement} */ (
      el('textarea', { id: 'escalate-reason', maxlength: '2000', placeholder: t('escalatePlaceholder') })
    );
    var submit = /** @type {HTMLButtonElement} */ (
      el('button', { type: 'submit', id: 'escalate-submit', class: 'primary' }, t('continue'))
    );
    var message = el('div', { id: 'escalate-message', role: 'status' });
    var form = el('form', { id: 'escalate-form' });
    reason.addEventListener('input', function () {
      submit.disabled = false;
    });
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var text = reason.value.trim();
      if (text.length < 3) return replaceContent(message, el('span', { class: 'error' }, t('giveReason')));
      confirmStep(message, {
        prompt: t('escalatePrompt', { id: String(state.conversationId) }),
        id: 'escalate',
        kind: 'danger',
        submit: submit,
        run: function () {
          return api(
            'POST',
            '/conversations/' + state.conversationId + '/escalate',
            Object.assign({ reason: text }, agentFields()),
          );
        },
        done: function () {
          return el('div', { class: 'success', id: 'escalate-done' }, t('escalated'));
        },
      });
    });
    append(form, [
      el('label', { for: 'escalate-reason' }, t('reason')),
      reason,
      el('div', { class: 'actions' }, submit),
      message,
    ]);
    return form;
  }

  // Progress bars: widths set through CSSOM (allowed by the CSP, unlike inline style attributes).
  new MutationObserver(function () {
    Array.prototype.forEach.call(document.querySelectorAll('[data-progress]'), function (/** @type {HTMLElement} */ bar) {
      bar.style.width = Math.max(0, Math.min(100, Number(bar.getAttribute('data-progress')))) + '%';
    });
  }).observe(app, { childList: true, subtree: true });

  if (window.parent === window) {
    showStatus(t('openFromChatwoot'), 'status');
  } else {
    window.parent.postMessage('chatwoot-dashboard-app:fetch-info', '*');
  }
})();
