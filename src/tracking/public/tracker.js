// @ts-check
/*!
 * Chatwoot store bridge: storefront tracker (ES2017, no dependencies, no build step).
 *
 * <script src="https://bridge.example/tracker.js" data-website-token="..." data-customer-id="optional" async></script>
 *
 * Signed-in visitors: render what GET /v1/stores/:storeId/customers/:customerId/widget-identity
 * returns into data-customer-id, data-identifier-hash and data-customer-name / data-customer-email;
 * once the widget is ready the tracker calls window.$chatwoot.setUser(identifier, {identifier_hash,
 * name, email}), which inboxes with identity validation (hmac_mandatory) require.
 *
 * The session id goes into the conversation custom attribute `bridge_session_id` only while no
 * conversation exists: the SDK then keeps it pending and applies it when the conversation is
 * created. Once one exists, setConversationCustomAttributes would REPLACE the whole hash (pre-chat
 * answers, agents' keys), so the tracker never calls it again for that visitor.
 *
 * Keeps an anonymous first-party session id (cookie `cwb_sid`, localStorage fallback, new id
 * after 30 minutes of inactivity), listens to the Chatwoot widget's window events, records page
 * and product views, and posts batches to POST /v1/tracking/events with navigator.sendBeacon
 * (text/plain: no CORS preflight), falling back to fetch(keepalive). Every entry point is
 * wrapped in try/catch: a broken or unreachable service must never break the store's page.
 *
 * API: window.chatwootTracker.productView(id), .pageView(), .identify(customerId), .flush(),
 * .sessionId(). Calls queued before load as window.chatwootTracker = {q: [['productView', 'sku-1']]}
 * are replayed.
 */
(function () {
  'use strict';

  /**
   * Type-checked by `tsc -p tsconfig.browser.json` (JSDoc only; shipped as is).
   * @typedef {{ setUser?: Function, setConversationCustomAttributes?: Function, setCustomAttributes?: Function, hasLoaded?: boolean }} ChatwootSdk
   * @typedef {Window & { chatwootTracker?: any, $chatwoot?: ChatwootSdk }} TrackerWindow
   * @typedef {{ type: string, at: string } & Record<string, unknown>} TrackedEvent
   * @typedef {(...args: any[]) => any} AnyFunction
   */
  var page = /** @type {TrackerWindow} */ (window);

  var PUBLIC_URL = '__CHATWOOT_BRIDGE_PUBLIC_URL__';
  var COOKIE = 'cwb_sid';
  var STORAGE_KEY = 'cwb_session';
  var CONVERSATION_KEY = 'cwb_conversation';
  var IDLE_MS = 30 * 60 * 1000;
  var FLUSH_EVERY_MS = 5000;
  var MAX_BATCH = 50;
  var MAX_QUEUE = 500;
  var MAX_LOAD_TIME_MS = 120000;

  /**
   * @template {AnyFunction} F
   * @param {F} fn
   * @returns {F}
   */
  function safe(fn) {
    return /** @type {F} */ (
      /** @this {unknown} */
      function () {
        try {
          return fn.apply(this, /** @type {any} */ (arguments));
        } catch (e) {
          return undefined;
        }
      }
    );
  }

  try {
    var existing = page.chatwootTracker;
    if (existing && existing.loaded) return;

    var script = /** @type {HTMLScriptElement|null} */ (
      document.currentScript || document.querySelector('script[data-website-token][src*="tracker.js"]') || null
    );
    /** @type {DOMStringMap} */
    var data = (script && script.dataset) || {};
    var websiteToken = data.websiteToken;
    if (!websiteToken) return;

    var endpointBase = data.endpoint || (PUBLIC_URL.indexOf('__') === 0 ? '' : PUBLIC_URL);
    if (!endpointBase && script && script.src) endpointBase = new URL(script.src, location.href).origin;
    var endpoint = endpointBase.replace(/\/+$/, '') + '/v1/tracking/events';

    var customerId = data.customerId || null;
    var identity = {
      hash: data.identifierHash || null,
      name: data.customerName || null,
      email: data.customerEmail || null,
    };
    /** @type {string|null} */
    var identifiedAs = null;
    /** @type {{ sid: string, event: TrackedEvent }[]} */
    var queue = [];
    /** @type {Record<string, boolean>} */
    var seenMessages = {};
    /** @type {Record<string, boolean>} */
    var seenProducts = {};
    /** @type {string|null} */
    var lastPageUrl = null;
    /** @type {string|null} */
    var attachedFor = null;
    var state = { errors: 0, sent: 0, failed: 0 };

    var now = function () {
      return Date.now();
    };

    var randomId = function () {
      var c = window.crypto;
      if (c && typeof c.randomUUID === 'function') return c.randomUUID().replace(/-/g, '');
      if (c && typeof c.getRandomValues === 'function') {
        var bytes = c.getRandomValues(new Uint8Array(16));
        return Array.prototype.map
          .call(bytes, function (/** @type {number} */ b) {
            return ('0' + b.toString(16)).slice(-2);
          })
          .join('');
      }
      return (Math.random().toString(36) + Math.random().toString(36) + now().toString(36))
        .replace(/[^a-z0-9]/g, '')
        .slice(0, 32);
    };

    var readCookie = function () {
      var match = document.cookie.match(/(?:^|;\s*)cwb_sid=([A-Za-z0-9_-]{8,64})/);
      return match ? match[1] : null;
    };

    var readStorage = function () {
      try {
        var raw = window.localStorage.getItem(STORAGE_KEY);
        var stored = raw ? JSON.parse(raw) : null;
        if (stored && typeof stored.id === 'string' && /^[A-Za-z0-9_-]{8,64}$/.test(stored.id) && now() - stored.last < IDLE_MS) {
          return stored.id;
        }
      } catch (e) {
        // storage disabled (Safari private mode, blocked third-party context): cookie only
      }
      return null;
    };

    /** @type {string|null} */
    var sessionId = null;
    var lastActivity = 0;

    // Whether this visitor has a widget conversation (seen on this or an earlier page).
    var conversationExists = false;
    try {
      conversationExists = window.localStorage.getItem(CONVERSATION_KEY) === '1';
    } catch (e) {
      // storage disabled: only what this page sees
    }
    var markConversation = function (/** @type {boolean} */ exists) {
      conversationExists = exists;
      try {
        if (exists) window.localStorage.setItem(CONVERSATION_KEY, '1');
        else window.localStorage.removeItem(CONVERSATION_KEY);
      } catch (e) {
        // storage disabled
      }
    };

    // The cookie's max-age is the inactivity window itself: it expires when the visitor idles.
    /** @returns {string} */
    var touchSession = function () {
      var t = now();
      if (!sessionId || t - lastActivity >= IDLE_MS) {
        var fresh = !sessionId ? readCookie() || readStorage() : null;
        sessionId = fresh || randomId();
      }
      lastActivity = t;
      try {
        var secure = location.protocol === 'https:' ? '; secure' : '';
        document.cookie = COOKIE + '=' + sessionId + '; path=/; max-age=' + IDLE_MS / 1000 + '; samesite=lax' + secure;
      } catch (e) {
        // cookies disabled
      }
      try {
        window.localStorage.setItem(STORAGE_KEY, JSON.stringify({ id: sessionId, last: t }));
      } catch (e) {
        // storage disabled
      }
      return /** @type {string} */ (sessionId);
    };

    var pageUrl = function () {
      return location.origin + location.pathname;
    };

    var send = function (/** @type {string} */ body) {
      var sent = false;
      try {
        if (navigator.sendBeacon) sent = navigator.sendBeacon(endpoint, body);
      } catch (e) {
        sent = false;
      }
      if (sent) {
        state.sent++;
        return;
      }
      if (typeof fetch !== 'function') return;
      fetch(endpoint, {
        method: 'POST',
        body: body,
        keepalive: body.length < 60000,
        credentials: 'omit',
        mode: 'cors',
        headers: { 'content-type': 'text/plain;charset=UTF-8' },
      }).then(
        function () {
          state.sent++;
        },
        function () {
          state.failed++;
        },
      );
    };

    var flush = safe(function () {
      if (!queue.length) return;
      var pending = queue;
      queue = [];
      /** @type {Record<string, TrackedEvent[]>} */
      var bySession = {};
      pending.forEach(function (item) {
        (bySession[item.sid] = bySession[item.sid] || []).push(item.event);
      });
      Object.keys(bySession).forEach(function (sid) {
        var events = bySession[sid];
        for (var i = 0; i < events.length; i += MAX_BATCH) {
          /** @type {{ websiteToken: string, sessionId: string, events: TrackedEvent[], customerId?: string }} */
          var batch = {
            websiteToken: /** @type {string} */ (websiteToken),
            sessionId: sid,
            events: events.slice(i, i + MAX_BATCH),
          };
          if (customerId) batch.customerId = customerId;
          send(JSON.stringify(batch));
        }
      });
    });

    /** @param {string} type @param {Record<string, unknown>} [extra] */
    var track = function (type, extra) {
      var sid = touchSession();
      var event = Object.assign({ type: type, at: new Date().toISOString() }, extra || {});
      queue.push({ sid: sid, event: event });
      if (queue.length > MAX_QUEUE) queue.splice(0, queue.length - MAX_QUEUE);
      if (queue.length >= MAX_BATCH) flush();
      if (widgetLoaded && attachedFor !== sid) attachSession();
    };

    // Ties the next conversation (or, with an SDK without conversation attributes, the contact) to
    // this session, for attribution. Only while no conversation exists: the SDK keeps the value
    // pending (merged with other pending keys) and applies it at creation; on an existing
    // conversation the call would replace every custom attribute it has.
    var attachSession = safe(function () {
      var cw = page.$chatwoot;
      var sid = sessionId || touchSession();
      if (!cw || conversationExists) return;
      var attributes = { bridge_session_id: sid };
      if (typeof cw.setConversationCustomAttributes === 'function') cw.setConversationCustomAttributes(attributes);
      else if (typeof cw.setCustomAttributes === 'function') cw.setCustomAttributes(attributes);
      else return;
      attachedFor = sid;
    });

    // Identity validation: the storefront's server computed identifier_hash (never the hmac_token).
    var identifyWidget = safe(function () {
      var cw = page.$chatwoot;
      if (!cw || typeof cw.setUser !== 'function' || !customerId || !identity.hash) return;
      // The SDK refuses a user without one of name, email, avatar_url.
      if (!identity.name && !identity.email) return;
      var key = customerId + '\n' + identity.hash;
      if (identifiedAs === key) return;
      /** @type {{ identifier_hash: string, name?: string, email?: string }} */
      var user = { identifier_hash: identity.hash };
      if (identity.name) user.name = identity.name;
      if (identity.email) user.email = identity.email;
      cw.setUser(customerId, user);
      identifiedAs = key;
    });

    var productView = safe(function (/** @type {unknown} */ productId) {
      if (productId === undefined || productId === null || productId === '') return;
      var id = String(productId).slice(0, 128);
      var key = pageUrl() + '\n' + id;
      if (seenProducts[key]) return;
      seenProducts[key] = true;
      track('product_view', { productId: id, url: pageUrl().slice(0, 2048) });
    });

    var scanProducts = safe(function () {
      var nodes = document.querySelectorAll('[data-chatwoot-product-id]');
      for (var i = 0; i < nodes.length; i++) productView(nodes[i].getAttribute('data-chatwoot-product-id'));
    });

    var pageView = safe(function () {
      var url = pageUrl();
      if (url === lastPageUrl) return;
      lastPageUrl = url;
      track('page_view', { url: url.slice(0, 2048) });
      scanProducts();
    });

    var widgetLoaded = false;
    var onReady = safe(function () {
      if (widgetLoaded) return;
      widgetLoaded = true;
      /** @type {Record<string, unknown>} */
      var extra = {};
      // performance.now(): milliseconds since navigation start, i.e. what the visitor waited.
      var elapsed = window.performance && typeof performance.now === 'function' ? Math.round(performance.now()) : null;
      if (elapsed !== null && elapsed >= 0 && elapsed <= MAX_LOAD_TIME_MS) extra.loadTimeMs = elapsed;
      track('widget_loaded', extra);
      identifyWidget();
      attachSession();
    });

    var onMessage = safe(function (/** @type {CustomEvent} */ e) {
      var message = (e && e.detail) || {};
      if (message.id !== undefined) {
        // The SDK re-fires on-message when a message is updated; count each message once.
        if (seenMessages[message.id]) return;
        seenMessages[message.id] = true;
      }
      // A message of the widget's current conversation: from now on, hands off its attributes.
      markConversation(true);
      var kind = message.message_type;
      if (kind === 0 || kind === 'incoming') {
        track('message_sent');
      } else if (kind === 1 || kind === 3 || kind === 'outgoing' || kind === 'template') {
        track('message_received');
      }
    });

    /** @param {string} name @param {AnyFunction} handler */
    var listen = function (name, handler) {
      window.addEventListener(name, safe(handler));
    };
    listen('chatwoot:ready', onReady);
    listen('chatwoot:opened', function () {
      track('widget_opened');
    });
    listen('chatwoot:closed', function () {
      track('widget_closed');
    });
    listen('chatwoot:on-message', onMessage);
    listen('chatwoot:on-start-conversation', function (/** @type {CustomEvent} */ e) {
      track('conversation_started');
      // hasConversation false: the widget has none yet, so a call now stays pending until the
      // first message creates it. true: an earlier conversation is still the widget's current
      // one; setting attributes now could replace its hash, so leave it.
      if (e && e.detail && e.detail.hasConversation === false) {
        markConversation(false);
        attachedFor = null;
        attachSession();
      }
    });
    listen('chatwoot:error', function () {
      state.errors++;
    });

    // Single-page storefronts change pages without a load: watch the history API.
    /** @type {('pushState'|'replaceState')[]} */ (['pushState', 'replaceState']).forEach(function (name) {
      var original = history[name];
      if (typeof original !== 'function') return;
      /** @this {unknown} */
      history[name] = function () {
        var result = original.apply(this, /** @type {any} */ (arguments));
        setTimeout(pageView, 0);
        return result;
      };
    });
    listen('popstate', pageView);

    document.addEventListener(
      'visibilitychange',
      safe(function () {
        if (document.visibilityState === 'hidden') flush();
      }),
    );
    listen('pagehide', flush);
    setInterval(flush, FLUSH_EVERY_MS);

    var api = {
      loaded: true,
      version: 1,
      productView: productView,
      pageView: pageView,
      flush: flush,
      // identify(customerId, {identifierHash, name, email}): the same as the data attributes.
      identify: safe(
        function (
          /** @type {unknown} */ id,
          /** @type {{identifierHash?: string, name?: string, email?: string}} */ widgetIdentity,
        ) {
          customerId = id === undefined || id === null || id === '' ? null : String(id).slice(0, 128);
          var given = widgetIdentity || {};
          identity = {
            hash: given.identifierHash || null,
            name: given.name || null,
            email: given.email || null,
          };
          if (widgetLoaded) identifyWidget();
        },
      ),
      sessionId: function () {
        return sessionId || touchSession();
      },
      state: state,
    };
    page.chatwootTracker = api;

    pageView();
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', scanProducts);
    // The SDK may have finished before this async script ran: no event will come, count the load without a time.
    if (page.$chatwoot && page.$chatwoot.hasLoaded) {
      widgetLoaded = true;
      track('widget_loaded');
      identifyWidget();
      attachSession();
    }
    if (existing && Array.isArray(existing.q)) {
      existing.q.forEach(
        safe(function (/** @type {any[]} */ call) {
          var method = /** @type {Record<string, unknown>} */ (api)[call && call[0]];
          if (call && typeof method === 'function') method.apply(null, call.slice(1));
        }),
      );
    }
  } catch (e) {
    // never break the page
  }
})();
