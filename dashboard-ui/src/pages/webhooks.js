// /dashboard/webhooks: where webhooks go (endpoint URL and events), the signing secret and its
// rotation, a test event, and the delivery log.
import { api, earlierAttemptDone, query, resendKeys } from '../lib/api.js';
import { h, replace } from '../lib/dom.js';
import { formatDateTime, validateWebhookUrl } from '../lib/format.js';
import { poll } from '../lib/poll.js';
import { announce, copyButton, markInvalid, message, showState, stateBox } from '../lib/ui.js';
import { EVENTS } from '../lib/events.js';
import { deliveryLog } from './webhook-log.js';

// The endpoints and the signing secret change elsewhere too (another tab, a colleague, the API):
// looked at again this often while the page is visible, and at once when it becomes visible again.
const CONFIG_REFRESH_MS = 10_000;

// Keys of the page's actions (a new endpoint, a test event, a rotation) whose outcome is unknown,
// kept while the dashboard stays open, also when the page is left and opened again.
const keys = resendKeys();

export function webhooksPage(root) {
  const log = deliveryLog();
  const config = endpointConfig({ onTestSent: () => log.refresh() });
  const secret = secretCard();
  replace(
    root,
    h('div', { class: 'page-head' }, h('h1', {}, 'Webhooks'), h('p', { class: 'muted' }, 'Paystream posts signed events to your server as payments and refunds change.')),
    h('div', { class: 'stack' }, h('div', { class: 'two-col' }, config.element, secret.element), log.element),
  );
  config.load();
  secret.load();
  log.start();
  const stopRefresh = poll(async () => (await Promise.all([config.refresh(), secret.refresh()])).filter(Boolean), CONFIG_REFRESH_MS);
  return () => {
    stopRefresh();
    log.stop();
  };
}

function endpointConfig({ onTestSent }) {
  let endpoints = [];
  let selected = null; // the endpoint the form edits; null: a new one
  let pristine = ''; // what the form held when it was last filled in (see formState)
  let changes = 0; // saves and deletions made here: a list asked for before one of them is out of date
  let loaded = false;
  let addingNew = false; // "Add another endpoint" was pressed: the form stays a new one

  const list = h('ul', { class: 'endpoint-list', 'data-test-id': 'webhook-endpoints' });
  const listState = h('div', {}, stateBox('loading', 'Loading your endpoints…'));
  const url = h('input', {
    id: 'webhook-url',
    type: 'url',
    inputmode: 'url',
    placeholder: 'https://example.com/webhooks/paystream',
    autocomplete: 'off',
    spellcheck: 'false',
    'data-test-id': 'webhook-url-input',
    'aria-describedby': 'webhook-url-hint',
  });
  const all = h('input', { type: 'checkbox', id: 'events-all', checked: true, 'data-test-id': 'webhook-events-all' });
  const boxes = EVENTS.map((event) =>
    h('input', { type: 'checkbox', id: `event-${event}`, value: event, checked: true, 'data-test-id': `webhook-event-${event}` }),
  );
  const enabled = h('input', { type: 'checkbox', id: 'webhook-enabled', checked: true, 'data-test-id': 'webhook-enabled-input' });
  const heading = h('h3', { id: 'endpoint-form-title' }, 'Add an endpoint');
  const save = h('button', { type: 'submit', class: 'primary', 'data-test-id': 'save-webhook-button' }, 'Save');
  const test = h('button', { type: 'button', class: 'secondary', 'data-test-id': 'test-webhook-button' }, 'Send test event');
  const remove = h('button', { type: 'button', class: 'danger ghost', 'data-test-id': 'delete-webhook-button', hidden: true }, 'Delete');
  const addNew = h('button', { type: 'button', class: 'ghost small', 'data-test-id': 'new-endpoint-button', hidden: true }, 'Add another endpoint');
  const note = h('p', { class: 'form-message', hidden: true, 'data-test-id': 'webhook-config-message' });

  const form = h(
    'form',
    { 'data-test-id': 'webhook-config-form', novalidate: true, 'aria-labelledby': 'endpoint-form-title' },
    heading,
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'webhook-url' }, 'Endpoint URL'),
      url,
      h('p', { class: 'muted small', id: 'webhook-url-hint' }, 'An http(s) address on your server that answers 2xx within 5 seconds.'),
    ),
    h(
      'fieldset',
      { class: 'events' },
      h('legend', {}, 'Events to send'),
      h('span', { class: 'check all' }, all, h('label', { for: 'events-all' }, 'All events')),
      boxes.map((box) => h('span', { class: 'check' }, box, h('label', { for: box.id, class: 'mono' }, box.value))),
    ),
    h('span', { class: 'check' }, enabled, h('label', { for: 'webhook-enabled' }, 'Enabled')),
    note,
    h('div', { class: 'actions' }, save, test, remove),
  );

  all.addEventListener('change', () => boxes.forEach((b) => (b.checked = all.checked)));
  boxes.forEach((b) => b.addEventListener('change', () => (all.checked = boxes.every((x) => x.checked))));
  addNew.addEventListener('click', () => {
    edit(null);
    addingNew = true;
    url.focus();
  });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const problem = validateWebhookUrl(url.value);
    if (problem) {
      message(note, problem, 'error');
      markInvalid(url, true);
      url.focus();
      return;
    }
    markInvalid(url, false);
    const events = boxes.filter((b) => b.checked).map((b) => b.value);
    if (events.length === 0) {
      message(note, 'Choose at least one event, or all of them.', 'error');
      return;
    }
    // events null: every event, including any added later.
    const body = { url: url.value.trim(), events: all.checked ? null : events, enabled: enabled.checked };
    save.disabled = true;
    save.textContent = 'Saving…';
    const editing = selected;
    try {
      const saved = editing
        ? await api('PATCH', `/webhook-endpoints/${editing.id}`, body)
        : await keys.send('new endpoint', (key) => api('POST', '/webhook-endpoints', body, { idempotencyKey: key }));
      changes += 1;
      endpoints = [saved, ...endpoints.filter((x) => x.id !== saved.id)];
      edit(saved);
      renderList();
      message(note, `Saved. Webhooks go to ${saved.url}.`, 'ok');
      announce('Webhook endpoint saved');
    } catch (err) {
      if (earlierAttemptDone(err)) {
        // Sent again, changed, after an attempt whose answer was lost: that one was made.
        message(note, 'Your earlier request to add this endpoint reached the service (see the list above, once it is added); nothing more was added. Check it before saving again.', 'error');
        load();
        return;
      }
      message(note, err.message, 'error');
      if (err.field === 'url') {
        markInvalid(url, true);
        url.focus();
      }
    } finally {
      save.disabled = false;
      save.textContent = 'Save';
    }
  });

  // Never disabled for want of an endpoint: pressed before one is saved, it says what to do.
  test.addEventListener('click', async () => {
    if (!selected) {
      message(note, loaded ? 'Save an endpoint first; the test event goes to it.' : 'Your endpoints are still loading; try again in a moment.', 'error');
      if (loaded) url.focus();
      return;
    }
    test.disabled = true;
    try {
      const answer = await keys.send(`test ${selected.id}`, (key) => api('POST', `/webhook-endpoints/${selected.id}/test`, {}, { idempotencyKey: key }));
      const delivery = answer && (answer.delivery_id || answer.id);
      message(note, `Test event sent to ${selected.url}${delivery ? ` (delivery ${delivery})` : ''}. Watch the log below.`, 'ok');
      onTestSent();
    } catch (err) {
      message(note, err.message, 'error');
    } finally {
      test.disabled = false;
    }
  });

  remove.addEventListener('click', async () => {
    // The one asked about: another may be chosen while the request is on its way.
    const target = selected;
    if (!target || !confirm(`Stop sending webhooks to ${target.url}?`)) return;
    try {
      await api('DELETE', `/webhook-endpoints/${target.id}`);
      changes += 1;
      endpoints = endpoints.filter((x) => x.id !== target.id);
      message(note, `Deleted ${target.url}.`, 'ok');
      if (selected === target) edit(endpoints[0] || null);
      renderList();
    } catch (err) {
      message(note, err.message, 'error');
    }
  });

  function edit(endpoint) {
    selected = endpoint;
    addingNew = false;
    url.value = endpoint ? endpoint.url : '';
    markInvalid(url, false);
    const chosen = endpoint && Array.isArray(endpoint.events) && endpoint.events.length ? endpoint.events : EVENTS;
    boxes.forEach((b) => (b.checked = chosen.includes(b.value)));
    all.checked = boxes.every((b) => b.checked);
    enabled.checked = endpoint ? endpoint.enabled !== false : true;
    heading.textContent = endpoint ? 'Edit endpoint' : 'Add an endpoint';
    remove.hidden = !endpoint;
    addNew.hidden = !endpoint;
    pristine = formState();
    renderList();
  }

  // The form's values: while they differ from what it was filled in with, the person is editing.
  function formState() {
    return JSON.stringify([url.value, boxes.map((b) => b.checked), enabled.checked]);
  }

  // Redrawn only when something shown changed, and then with the focus kept on the same
  // endpoint's button, so that a refresh does not take it away.
  function renderList() {
    if (endpoints.length) replace(listState);
    else showState(listState, 'empty', 'No endpoint yet: no webhooks are sent until you add one.');
    const signature = JSON.stringify([endpoints, selected?.id ?? null]);
    if (list.dataset.signature === signature) return;
    list.dataset.signature = signature;
    const focused = list.contains(document.activeElement) ? document.activeElement.closest('li')?.dataset.endpointId : null;
    replace(
      list,
      endpoints.map((x) =>
        h(
          'li',
          { 'data-test-id': 'webhook-endpoint', 'data-endpoint-id': x.id, class: x === selected || x.id === selected?.id ? 'current' : null },
          h('span', { class: 'mono url' }, x.url),
          h('span', { class: 'muted small' }, `${x.enabled === false ? 'disabled · ' : ''}${describeEvents(x.events)}`),
          h(
            'button',
            { type: 'button', class: 'ghost small', 'aria-label': `Edit ${x.url}`, onclick: () => { edit(x); url.focus(); } },
            x.id === selected?.id ? 'Editing' : 'Edit',
          ),
        ),
      ),
    );
    if (focused) [...list.children].find((li) => li.dataset.endpointId === focused)?.querySelector('button')?.focus();
  }

  async function load() {
    const mine = changes;
    try {
      const page = await api('GET', `/webhook-endpoints${query({ limit: 100 })}`);
      if (mine !== changes) return; // a save or deletion since: its own answer is newer
      loaded = true;
      endpoints = page.data;
      // A URL typed while the list was loading is kept (as a new endpoint), not wiped.
      if (url.value) renderList();
      else edit(endpoints[0] || null);
    } catch (e) {
      showState(listState, 'error', `Your endpoints could not be loaded: ${e.message}`, load);
      return e;
    }
  }

  /**
   * The list as the service has it now (changed elsewhere, say). The form follows it only while
   * nobody is at it: not while it has the focus, holds changes of its own or is being saved.
   */
  async function refresh() {
    if (!loaded) return load();
    const mine = changes;
    let page;
    try {
      page = await api('GET', `/webhook-endpoints${query({ limit: 100 })}`);
    } catch (e) {
      if (mine === changes) showState(listState, 'error', `Your endpoints could not be refreshed: ${e.message}`, refresh);
      return e;
    }
    if (mine !== changes) return;
    endpoints = page.data;
    const current = selected && endpoints.find((x) => x.id === selected.id);
    const untouched = formState() === pristine && !form.contains(document.activeElement) && !save.disabled;
    if (untouched) {
      if (!selected && addingNew) renderList();
      else edit(current || endpoints[0] || null);
      return;
    }
    if (selected && !current) {
      // Deleted elsewhere while being edited here: what the form holds is kept, to be added anew.
      const gone = selected;
      selected = null;
      heading.textContent = 'Add an endpoint';
      remove.hidden = true;
      addNew.hidden = true;
      message(note, `${gone.url} was deleted elsewhere. Save adds what the form holds as a new endpoint.`, 'error');
    } else if (current) {
      selected = current;
    }
    renderList();
  }

  const element = h(
    'section',
    { class: 'card', 'data-test-id': 'webhook-config', 'aria-labelledby': 'config-title' },
    h('div', { class: 'card-head' }, h('h2', { id: 'config-title' }, 'Endpoints'), addNew),
    list,
    listState,
    form,
  );
  return { element, load, refresh };
}

function describeEvents(events) {
  if (!Array.isArray(events) || events.length === 0 || EVENTS.every((e) => events.includes(e))) return 'all events';
  return events.join(', ');
}

function secretCard() {
  const value = h('code', { class: 'mono secret', 'data-test-id': 'webhook-secret', id: 'webhook-secret' }, '…');
  const rotated = h('p', { class: 'muted small', 'data-test-id': 'webhook-secret-rotated' });
  const rotate = h('button', { type: 'button', class: 'secondary', 'data-test-id': 'regenerate-secret-button', 'aria-describedby': 'webhook-secret-hint' }, 'Rotate secret');
  // Said before the button is pressed rather than asked in a dialog after: one press rotates.
  const hint = h(
    'p',
    { class: 'muted small', id: 'webhook-secret-hint', 'data-test-id': 'webhook-secret-hint' },
    'Rotating takes effect at once: X-Webhook-Signature is made with the new secret from then on, so receivers that check it need the new one. ' +
      'webhook-signature keeps carrying a signature made with the old secret for 24 hours.',
  );
  const note = h('p', { class: 'form-message', hidden: true, 'data-test-id': 'webhook-secret-message' });
  let current = '';

  function show(s) {
    current = s.secret;
    value.textContent = s.secret;
    const parts = [];
    if (s.rotated_at) parts.push(`Rotated ${formatDateTime(s.rotated_at)}.`);
    if (s.previous_secret_valid_until && new Date(s.previous_secret_valid_until) > new Date()) {
      parts.push(`Until ${formatDateTime(s.previous_secret_valid_until)} deliveries also carry a signature made with the previous secret.`);
    }
    rotated.textContent = parts.join(' ');
  }

  let generation = 0; // a rotation or a newer look makes an answer still on its way out of date
  let failing = false; // the note says the secret could not be loaded

  /** The secret as the service has it now: rotated elsewhere, it is shown (and copied) anew, and the note says so. */
  async function load() {
    if (rotate.disabled) return; // a rotation on its way here answers with the current secret
    const mine = ++generation;
    try {
      const s = await api('GET', '/webhook-secret');
      if (mine !== generation) return;
      const changed = current !== '' && s.secret !== current;
      show(s);
      if (changed) {
        message(note, `The secret was rotated elsewhere${s.rotated_at ? ` (${formatDateTime(s.rotated_at)})` : ''}. The one shown now is the current one: copy it again where you use it.`, 'ok');
        announce('The webhook secret was rotated elsewhere');
      } else if (failing) {
        note.hidden = true;
      }
      failing = false;
    } catch (e) {
      if (mine !== generation) return e;
      const text = current
        ? `The secret could not be refreshed: ${sentence(e.message)} The one shown may be out of date.`
        : `The secret could not be loaded: ${e.message}`;
      if (!current) value.textContent = '—';
      if (!failing || note.textContent !== text) message(note, text, 'error');
      failing = true;
      return e;
    }
  }

  rotate.addEventListener('click', async () => {
    if (rotate.disabled) return;
    rotate.disabled = true;
    rotate.textContent = 'Rotating…';
    generation += 1;
    try {
      show(await keys.send('rotate secret', (key) => api('POST', '/webhook-secret/rotate', {}, { idempotencyKey: key })));
      failing = false;
      message(
        note,
        'New secret in force: X-Webhook-Signature uses it from now on. For 24 hours webhook-signature also carries a signature made with the old one.',
        'ok',
      );
      announce('Webhook secret rotated');
    } catch (e) {
      message(note, e.message, 'error');
    } finally {
      rotate.disabled = false;
      rotate.textContent = 'Rotate secret';
    }
  });

  const element = h(
    'section',
    { class: 'card', 'aria-labelledby': 'secret-title' },
    h('h2', { id: 'secret-title' }, 'Signing secret'),
    h('p', { class: 'muted' }, 'Every delivery is signed with this secret. Check the signature before trusting a webhook (see Docs).'),
    h('div', { class: 'secret-row' }, value, copyButton(() => current, 'webhook secret')),
    rotated,
    note,
    h('div', { class: 'actions' }, rotate),
    hint,
  );
  return { element, load, refresh: load };
}

/** A message as a sentence of its own: with its full stop, so that another can follow it. */
function sentence(text) {
  const t = String(text ?? '').trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}
