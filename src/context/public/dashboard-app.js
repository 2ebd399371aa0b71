/* The context panel inside Chatwoot (Dashboard App). Plain DOM and textContent only: data never becomes markup. */
(function () {
  'use strict';

  var meta = document.querySelector('meta[name="chatwoot-origin"]');
  // Chatwoot's dashboard origin (CHATWOOT_FRONTEND_URL), not its API URL: appContext comes from the dashboard window.
  var DASHBOARD_ORIGIN = meta ? meta.getAttribute('content') : '';
  var TOKEN = new URLSearchParams(window.location.search).get('token') || '';
  var app = document.getElementById('app');
  var state = { accountId: null, contactId: null, conversationId: null, agent: null, context: null, loadedFor: null };

  // ---- DOM helpers --------------------------------------------------------------------------
  function el(tag, attrs) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (key) {
        var value = attrs[key];
        if (value === undefined || value === null || value === false) return;
        if (key === 'class') node.className = value;
        else if (key.slice(0, 2) === 'on') node.addEventListener(key.slice(2), value);
        else node.setAttribute(key, String(value));
      });
    }
    for (var i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }
  function append(node, child) {
    if (child === undefined || child === null || child === false) return;
    if (Array.isArray(child))
      return child.forEach(function (c) {
        append(node, c);
      });
    node.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }
  function showStatus(text, kind) {
    clear(app);
    app.appendChild(el('p', { class: kind || 'status', id: 'status', role: kind === 'error' ? 'alert' : null }, text));
  }

  // ---- formatting ---------------------------------------------------------------------------
  function money(minor, currency, locale) {
    if (minor === null || minor === undefined) return '–';
    try {
      var f = new Intl.NumberFormat(locale || undefined, { style: 'currency', currency: currency });
      var digits = f.resolvedOptions().maximumFractionDigits;
      return f.format(minor / Math.pow(10, digits));
    } catch (e) {
      return minor + ' ' + currency;
    }
  }
  function date(iso, locale) {
    if (!iso) return '–';
    try {
      return new Date(iso).toLocaleDateString(locale || undefined, { year: 'numeric', month: 'short', day: 'numeric' });
    } catch (e) {
      return iso.slice(0, 10);
    }
  }
  function duration(seconds) {
    if (seconds === null || seconds === undefined) return '–';
    var m = Math.floor(seconds / 60);
    return m >= 60 ? Math.floor(m / 60) + ' h ' + (m % 60) + ' min' : m + ' min ' + (seconds % 60) + ' s';
  }

  // ---- API ------------------------------------------------------------------------------------
  function api(method, path, body) {
    var base = 'v1/context/accounts/' + encodeURIComponent(state.accountId);
    var init = { method: method, headers: { 'x-context-token': TOKEN, accept: 'application/json' } };
    if (body) {
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(base + path, init).then(function (response) {
      return response.text().then(function (text) {
        var json = null;
        try {
          json = text ? JSON.parse(text) : null;
        } catch (e) {
          json = null;
        }
        if (!response.ok) {
          var error = new Error((json && json.message) || 'Request failed (HTTP ' + response.status + ')');
          error.code = json && json.code;
          error.status = response.status;
          throw error;
        }
        return json;
      });
    });
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

  function onAppContext(data) {
    var conversation = data.conversation || {};
    var contact = data.contact || {};
    var accountId = conversation.account_id || (conversation.meta && conversation.meta.account_id);
    var contactId = contact.id || (conversation.meta && conversation.meta.sender && conversation.meta.sender.id);
    if (!accountId || !contactId) return showStatus('Open a conversation with a contact to see the customer.', 'status');
    state.accountId = accountId;
    state.contactId = contactId;
    state.conversationId = conversation.id || null;
    state.agent = data.currentAgent || null;
    var key = accountId + ':' + contactId + ':' + state.conversationId;
    if (state.loadedFor === key) return;
    state.loadedFor = key;
    load();
  }

  function load() {
    if (!TOKEN) return showStatus('This panel URL has no token. Ask an administrator to reinstall the dashboard app.', 'error');
    showStatus('Loading customer…');
    var key = state.loadedFor;
    api('GET', '/contacts/' + state.contactId)
      .then(function (context) {
        if (state.loadedFor !== key) return;
        state.context = context;
        if (!context.linked) return renderUnlinked(context);
        render(context);
        // Insights and suggestions are slower to compute: they fill in when they arrive.
        var m = function (v) {
          return money(v, context.currency, context.locale);
        };
        api('GET', '/contacts/' + state.contactId + '/insights')
          .then(function (insights) {
            replaceSection('insights', insightsSection(insights, m));
          })
          .catch(function (error) {
            replaceSection('insights', insightsSection({ error: error }, m));
          });
        api('GET', '/contacts/' + state.contactId + '/recommendations')
          .then(function (recs) {
            replaceSection('recommendations', recommendations(recs, m));
          })
          .catch(function (error) {
            replaceSection('recommendations', recommendations({ error: error }, m));
          });
      })
      .catch(function (error) {
        showStatus(error.message, 'error');
      });
  }

  function replaceSection(id, section) {
    var current = document.getElementById(id);
    if (current && section) current.parentNode.replaceChild(section, current);
  }

  function placeholder(id, title) {
    return el('section', { id: id }, el('h2', null, title), el('div', { class: 'muted' }, 'Loading…'));
  }

  // ---- rendering ------------------------------------------------------------------------------
  function renderUnlinked(context) {
    clear(app);
    append(app, [
      el('section', { id: 'not-linked' }, el('h1', null, 'Not a known customer'), el('p', { class: 'muted' }, context.message)),
      escalationHistory(context),
      actions(context),
    ]);
  }

  function render(c) {
    var m = function (v) {
      return money(v, c.currency, c.locale);
    };
    var customer = c.customer;
    clear(app);
    append(app, [
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
        el('div', { class: 'muted' }, 'Customer since ' + date(customer.registration_date, c.locale)),
      ),
      el(
        'section',
        { id: 'figures' },
        el('h2', null, 'Key figures'),
        el(
          'div',
          { class: 'figures' },
          figure(m(customer.total_spent), 'total spent'),
          figure(String(customer.order_count), 'orders'),
          figure(m(c.average_order_value), 'average order'),
          figure(c.purchase_frequency || '–', 'buys'),
          figure(c.satisfaction_score === null ? '–' : c.satisfaction_score + ' / 5', 'satisfaction'),
          figure(c.favorite_categories.length ? c.favorite_categories.join(', ') : '–', 'favourite categories'),
        ),
      ),
      session(c),
      cart(c, m),
      orders(c, m),
      placeholder('insights', 'Insights'),
      placeholder('recommendations', 'Suggestions'),
      conversations(c),
      escalationHistory(c),
      actions(c),
    ]);
  }

  function figure(value, label) {
    return el('div', { class: 'figure' }, el('b', null, value), el('span', null, label));
  }

  function session(c) {
    if (!c.current_page && !c.pages_visited) return null;
    return el(
      'section',
      { id: 'session' },
      el('h2', null, c.session_active ? 'On the shop now' : 'Last visit · ' + date(c.last_seen_at, c.locale)),
      c.current_page ? el('div', null, 'Viewing ', el('span', { class: 'code' }, c.current_page)) : null,
      el('div', { class: 'muted' }, c.pages_visited + ' pages, ' + duration(c.session_duration)),
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

  function cart(c, m) {
    var current = c.current_cart;
    if (!current || !current.items.length)
      return el('section', { id: 'cart' }, el('h2', null, 'Cart'), el('div', { class: 'muted' }, 'Empty'));
    return el(
      'section',
      { id: 'cart' },
      el('h2', null, 'Cart · ' + m(current.total)),
      el(
        'ul',
        null,
        current.items.map(function (i) {
          return el(
            'li',
            { class: 'row' },
            el('span', null, i.quantity + ' × ' + i.name),
            el('span', null, m(i.unit_price * i.quantity)),
          );
        }),
      ),
    );
  }

  function orders(c, m) {
    return el(
      'section',
      { id: 'orders' },
      el('h2', null, 'Recent orders'),
      c.recent_orders.length
        ? el(
            'ul',
            null,
            c.recent_orders.map(function (o) {
              return el(
                'li',
                null,
                el('div', { class: 'row' }, el('b', null, '#' + o.id), el('span', null, money(o.total, o.currency, c.locale))),
                el(
                  'div',
                  { class: 'muted' },
                  date(o.placed_at, c.locale) +
                    ' · ' +
                    o.status +
                    (o.items.length
                      ? ' · ' +
                        o.items
                          .map(function (i) {
                            return i.name;
                          })
                          .join(', ')
                      : ''),
                ),
              );
            }),
          )
        : el('div', { class: 'muted' }, 'No orders yet'),
    );
  }

  function insightsSection(insights, m) {
    if (!insights) return null;
    if (insights.error)
      return el('section', { id: 'insights' }, el('h2', null, 'Insights'), el('div', { class: 'error' }, insights.error.message));
    var t = insights.tier_progress;
    var trend = insights.spend_trend;
    var risk = insights.churn_risk;
    var trendText =
      trend.direction === 'none'
        ? 'No spend recently'
        : trend.direction === 'new'
          ? 'New spend: ' + m(trend.recent)
          : 'Spend ' +
            trend.direction +
            (trend.change_percent !== null ? ' ' + trend.change_percent + '%' : '') +
            ' vs previous ' +
            trend.window_months +
            ' months';
    return el(
      'section',
      { id: 'insights' },
      el('h2', null, 'Insights'),
      t.next_tier
        ? el(
            'div',
            null,
            m(t.remaining) + ' to ' + t.next_tier,
            el(
              'div',
              {
                class: 'progress',
                role: 'progressbar',
                'aria-valuenow': t.progress_percent,
                'aria-valuemin': 0,
                'aria-valuemax': 100,
              },
              el('div', { style: null, 'data-progress': t.progress_percent }),
            ),
          )
        : el('div', null, 'Top tier reached'),
      chart(insights.monthly_spend),
      el('div', null, trendText),
      el(
        'div',
        null,
        'Churn risk ',
        el('span', { class: 'badge risk-' + risk.level, id: 'churn-risk' }, risk.level),
        ' ',
        el('span', { class: 'muted' }, risk.reason),
      ),
      insights.seasonal_patterns.peak_months.length
        ? el('div', { class: 'muted' }, 'Buys most in ' + insights.seasonal_patterns.peak_months.join(', '))
        : null,
    );
  }

  var SVG = 'http://www.w3.org/2000/svg';
  function chart(series) {
    var svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('class', 'chart');
    svg.setAttribute('viewBox', '0 0 120 40');
    svg.setAttribute('preserveAspectRatio', 'none');
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', 'Spend per month, last 12 months');
    var max = Math.max.apply(
      null,
      series
        .map(function (p) {
          return p.total;
        })
        .concat([1]),
    );
    series.forEach(function (point, i) {
      var h = Math.max(point.total > 0 ? 1 : 0, Math.round((point.total / max) * 38));
      var rect = document.createElementNS(SVG, 'rect');
      rect.setAttribute('x', String(i * 10 + 1));
      rect.setAttribute('y', String(40 - h));
      rect.setAttribute('width', '8');
      rect.setAttribute('height', String(h));
      var title = document.createElementNS(SVG, 'title');
      title.textContent = point.month + ': ' + point.total;
      rect.appendChild(title);
      svg.appendChild(rect);
    });
    return svg;
  }

  function recommendations(recs, m) {
    if (!recs) return null;
    if (recs.error)
      return el(
        'section',
        { id: 'recommendations' },
        el('h2', null, 'Suggestions'),
        el('div', { class: 'error' }, recs.error.message),
      );
    return el(
      'section',
      { id: 'recommendations' },
      el('h2', null, 'Suggestions'),
      recs.recommendations.length
        ? el(
            'ul',
            null,
            recs.recommendations.map(function (r) {
              return el(
                'li',
                null,
                el('div', { class: 'row' }, el('b', null, r.name), el('span', null, m(r.price))),
                el('div', { class: 'muted' }, r.reason),
              );
            }),
          )
        : el('div', { class: 'muted' }, 'Nothing to suggest yet'),
    );
  }

  function conversations(c) {
    if (!c.previous_conversations.length) return null;
    return el(
      'section',
      { id: 'conversations' },
      el('h2', null, 'Previous conversations'),
      el(
        'ul',
        null,
        c.previous_conversations.slice(0, 5).map(function (v) {
          return el(
            'li',
            { class: 'row' },
            el('span', null, '#' + v.id + ' · ' + v.status),
            el('span', { class: 'muted' }, (v.csat_rating ? v.csat_rating + '★ · ' : '') + date(v.created_at, c.locale)),
          );
        }),
      ),
    );
  }

  function escalationHistory(c) {
    if (!c.escalation_history || !c.escalation_history.length) return null;
    return el(
      'section',
      { id: 'escalations' },
      el('h2', null, 'Escalations'),
      el(
        'ul',
        null,
        c.escalation_history.map(function (e) {
          return el(
            'li',
            null,
            el('div', null, '#' + e.conversation_id + ' · ' + date(e.created_at, c.locale)),
            el('div', { class: 'muted' }, e.reason),
          );
        }),
      ),
    );
  }

  // ---- actions --------------------------------------------------------------------------------
  function actions(c) {
    var box = el('section', { id: 'actions' }, el('h2', null, 'Actions'));
    var panel = el('div');
    var buttons = el(
      'div',
      { class: 'actions' },
      el(
        'button',
        {
          type: 'button',
          id: 'discount-open',
          onclick: function () {
            clear(panel);
            panel.appendChild(discountForm(c));
          },
        },
        'Discount code…',
      ),
      state.conversationId
        ? el(
            'button',
            {
              type: 'button',
              id: 'escalate-open',
              class: 'danger',
              onclick: function () {
                clear(panel);
                panel.appendChild(escalateForm());
              },
            },
            'Escalate…',
          )
        : null,
    );
    append(box, [buttons, panel]);
    return box;
  }

  function agentFields() {
    return state.agent ? { agentId: state.agent.id || undefined, agentName: state.agent.name || undefined } : {};
  }

  function discountForm(c) {
    var type = el(
      'select',
      { id: 'discount-type', 'aria-label': 'Discount type' },
      el('option', { value: 'percent' }, '% off'),
      el('option', { value: 'fixed' }, c.currency + ' off'),
    );
    var value = el('input', {
      id: 'discount-value',
      type: 'number',
      min: '1',
      step: 'any',
      required: 'required',
      'aria-label': 'Amount',
    });
    var message = el('div', { id: 'discount-message', role: 'status' });
    var form = el('form', { id: 'discount-form', novalidate: 'novalidate' });
    var fixedFactor = function () {
      try {
        return Math.pow(
          10,
          new Intl.NumberFormat(c.locale, { style: 'currency', currency: c.currency }).resolvedOptions().maximumFractionDigits,
        );
      } catch (e) {
        return 100;
      }
    };
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var raw = Number(value.value);
      if (!(raw > 0)) {
        clear(message);
        append(message, el('span', { class: 'error' }, 'Enter an amount above zero.'));
        return;
      }
      var minor = type.value === 'percent' ? Math.round(raw) : Math.round(raw * fixedFactor());
      var label = type.value === 'percent' ? minor + '% off' : money(minor, c.currency, c.locale) + ' off';
      confirmStep(message, {
        prompt: 'Create a code for ' + label + '?',
        id: 'discount',
        kind: 'primary',
        run: function () {
          var body = Object.assign({ type: type.value, value: minor }, agentFields());
          if (state.conversationId) body.conversationId = state.conversationId;
          return api('POST', '/contacts/' + state.contactId + '/discount-codes', body);
        },
        done: function (result) {
          return [
            el('div', { class: 'success' }, 'Code created'),
            el('div', { id: 'discount-code', class: 'code' }, result.code),
            el(
              'div',
              { class: 'muted' },
              'Valid until ' +
                date(result.expires_at, c.locale) +
                (result.private_note === 'posted' ? ' · noted in the conversation' : ''),
            ),
          ];
        },
      });
    });
    append(form, [
      el('div', { class: 'inline' }, type, value, el('button', { type: 'submit', id: 'discount-submit' }, 'Continue')),
      message,
    ]);
    return form;
  }

  /**
   * The confirmation every action asks for: a prompt with Confirm and Cancel; Confirm runs the
   * action once and shows its result, or the API's own error message.
   */
  function confirmStep(message, step) {
    clear(message);
    append(message, [
      el('div', null, step.prompt),
      el(
        'div',
        { class: 'actions' },
        el(
          'button',
          {
            type: 'button',
            id: step.id + '-confirm',
            class: step.kind,
            onclick: function (e) {
              e.target.disabled = true;
              step
                .run()
                .then(function (result) {
                  clear(message);
                  append(message, step.done(result));
                })
                .catch(function (error) {
                  clear(message);
                  append(message, el('div', { class: 'error', id: step.id + '-error', role: 'alert' }, error.message));
                });
            },
          },
          'Confirm',
        ),
        el(
          'button',
          {
            type: 'button',
            onclick: function () {
              clear(message);
            },
          },
          'Cancel',
        ),
      ),
    ]);
  }

  function escalateForm() {
    var reason = el('textarea', {
      id: 'escalate-reason',
      maxlength: '2000',
      placeholder: 'Why should a manager step in?',
      'aria-label': 'Reason',
    });
    var message = el('div', { id: 'escalate-message', role: 'status' });
    var form = el('form', { id: 'escalate-form' });
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var text = reason.value.trim();
      if (text.length < 3) {
        clear(message);
        append(message, el('span', { class: 'error' }, 'Give a reason (at least 3 characters).'));
        return;
      }
      confirmStep(message, {
        prompt: 'Escalate conversation #' + state.conversationId + ' to the managers (urgent)?',
        id: 'escalate',
        kind: 'danger',
        run: function () {
          return api(
            'POST',
            '/conversations/' + state.conversationId + '/escalate',
            Object.assign({ reason: text }, agentFields()),
          );
        },
        done: function () {
          return el('div', { class: 'success', id: 'escalate-done' }, 'Escalated: urgent, managers team, label “escalated”.');
        },
      });
    });
    append(form, [
      reason,
      el('div', { class: 'actions' }, el('button', { type: 'submit', id: 'escalate-submit' }, 'Continue')),
      message,
    ]);
    return form;
  }

  // Progress bars: widths set through CSSOM (allowed by the CSP, unlike inline style attributes).
  new MutationObserver(function () {
    Array.prototype.forEach.call(document.querySelectorAll('[data-progress]'), function (bar) {
      bar.style.width = Math.max(0, Math.min(100, Number(bar.getAttribute('data-progress')))) + '%';
    });
  }).observe(app, { childList: true, subtree: true });

  if (window.parent === window) {
    showStatus('Open this page from Chatwoot (Dashboard App): it needs the conversation context.', 'status');
  } else {
    window.parent.postMessage('chatwoot-dashboard-app:fetch-info', '*');
  }
})();
