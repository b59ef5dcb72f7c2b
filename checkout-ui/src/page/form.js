// The UPI and card forms: method choice, live formatting, inline validation and what they send.

import {
  cardDigits,
  cardNetwork,
  checkCard,
  checkCardField,
  checkUpi,
  formatCardNumber,
  formatExpiry,
  parseExpiry,
} from './validation.js';
import { byTestId, clearFormError, focusOn, showFormError } from './view.js';

const forms = { upi: byTestId('upi-form'), card: byTestId('card-form') };
const payButton = byTestId('pay-button');
const inputs = {
  vpa: byTestId('vpa-input'),
  number: byTestId('card-number-input'),
  expiry: byTestId('expiry-input'),
  cvv: byTestId('cvv-input'),
  name: byTestId('cardholder-name-input'),
};
// What each input is described by besides a refusal (the card number: its network).
const describedBy = Object.fromEntries(
  Object.entries(inputs).map(([name, input]) => [name, input.getAttribute('aria-describedby')]),
);
const networkNote = document.getElementById('card-network');
const NETWORKS = { visa: 'Visa', mastercard: 'Mastercard', amex: 'American Express', rupay: 'RuPay' };
// The server names fields as in its request body (API.md); the page names them by input.
const SERVER_FIELDS = {
  vpa: 'vpa',
  'card.number': 'number',
  'card.expiry_month': 'expiry',
  'card.expiry_year': 'expiry',
  'card.cvv': 'cvv',
  'card.holder_name': 'name',
};

let method = null;
let faultyField = null;

const cardValues = () => ({
  number: inputs.number.value,
  expiry: inputs.expiry.value,
  cvv: inputs.cvv.value,
  name: inputs.name.value,
});

/** Shows the form of a method and points the one pay button at it. */
export function choose(next, { focus = true } = {}) {
  method = next;
  for (const [name, form] of Object.entries(forms)) form.hidden = name !== next;
  for (const b of document.querySelectorAll('[data-method]')) {
    b.setAttribute('aria-pressed', String(b.dataset.method === next));
  }
  payButton.setAttribute('form', forms[next].id);
  payButton.hidden = false;
  markFault(null);
  if (focus) focusOn(next === 'upi' ? inputs.vpa : inputs.number);
}

/** Marks one field as refused (null: none) and shows why. */
export function markFault(field, message) {
  for (const [name, input] of Object.entries(inputs)) {
    const described = [name === field && 'error-message', describedBy[name]].filter(Boolean).join(' ');
    if (name === field) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
    if (described) input.setAttribute('aria-describedby', described);
    else input.removeAttribute('aria-describedby');
  }
  faultyField = field;
  if (message) showFormError(message);
  else clearFormError();
}

/** Marks the field a server refusal names (its `field`), or just shows the reason. */
export function markServerFault(serverField, message) {
  const field = SERVER_FIELDS[serverField] || null;
  markFault(field, message);
  if (field) inputs[field].focus();
}

/**
 * The body for `POST /payments/public`, or null after showing why the form cannot be sent yet.
 */
export function paymentBody(orderId) {
  if (method === 'upi') {
    const fault = checkUpi({ vpa: inputs.vpa.value });
    if (fault) return refuse(fault);
    return { order_id: orderId, method: 'upi', vpa: inputs.vpa.value.trim() };
  }
  const values = cardValues();
  const fault = checkCard(values);
  if (fault) return refuse(fault);
  const expiry = parseExpiry(values.expiry);
  return {
    order_id: orderId,
    method: 'card',
    card: {
      number: cardDigits(values.number),
      expiry_month: String(expiry.month).padStart(2, '0'),
      expiry_year: String(expiry.year),
      cvv: values.cvv,
      holder_name: values.name.trim() || null,
    },
  };
}

function refuse(fault) {
  markFault(fault.field, fault.message);
  inputs[fault.field].focus();
  return null;
}

// Names the network that the number's first digits tell (API.md), in words beside the field: read
// out once when it changes (a status) and with the field (its description). Nothing while unknown.
function showNetwork() {
  const network = cardNetwork(inputs.number.value);
  if (networkNote.dataset.network === network) return;
  networkNote.dataset.network = network;
  networkNote.replaceChildren();
  if (!NETWORKS[network]) return;
  const what = document.createElement('span');
  what.className = 'visually-hidden';
  what.textContent = 'Card network: ';
  networkNote.append(what, NETWORKS[network]);
}

/** Clears the CVV (asked for again after a failure) and shows the form of the last method. */
export function resetForRetry() {
  inputs.cvv.value = '';
  choose(method || 'upi');
}

// Reformats a field as the shopper types, keeping the caret after the same digits. A digit the
// format adds (the leading zero of a one-digit month: "4" -> "04/") comes before the caret.
function reformat(input, format, deleting) {
  const caret = input.selectionStart ?? input.value.length;
  const digits = (text) => text.replace(/\D/g, '').length;
  const next = format(input.value, deleting);
  const digitsBefore = digits(input.value.slice(0, caret)) + Math.max(0, digits(next) - digits(input.value));
  if (next === input.value) return;
  input.value = next;
  let pos = 0;
  for (let seen = 0; pos < next.length && seen < digitsBefore; pos++) if (/\d/.test(next[pos])) seen++;
  if (!deleting) while (pos < next.length && /\D/.test(next[pos])) pos++;
  input.setSelectionRange(pos, pos);
}

/** Wires the method buttons, formatting and inline validation; `onSubmit` gets each submit. */
export function setUp(onSubmit) {
  for (const b of document.querySelectorAll('[data-method]')) b.addEventListener('click', () => choose(b.dataset.method));
  for (const form of Object.values(forms)) {
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      onSubmit();
    });
  }
  const deleting = (e) => (e.inputType || '').startsWith('delete');
  inputs.number.addEventListener('input', (e) => {
    reformat(inputs.number, formatCardNumber, deleting(e));
    showNetwork();
  });
  showNetwork(); // a number the browser put back (a reload) has no input event
  inputs.expiry.addEventListener('input', (e) => reformat(inputs.expiry, formatExpiry, deleting(e)));
  inputs.cvv.addEventListener('input', () => (inputs.cvv.value = inputs.cvv.value.replace(/\D/g, '').slice(0, 4)));
  // Leaving a field by pressing Pay (pointer down on it) submits, and the submit checks every
  // field: the inline check would put its message above the button while it is pressed, moving it
  // from under the pointer, and the click would be lost. Tab to Pay still checks at once.
  const pay = document.getElementById('pay-button');
  let pressingPay = false;
  pay.addEventListener('pointerdown', (e) => (pressingPay = e.button === 0));
  // Released, cancelled, or never to be released here (a context menu, the window left: the
  // window's own blur, not a field's, which a capturing listener would see too).
  for (const type of ['pointerup', 'pointercancel', 'contextmenu']) addEventListener(type, () => (pressingPay = false), true);
  addEventListener('blur', (e) => e.target === window && (pressingPay = false));
  for (const [field, input] of Object.entries(inputs)) {
    input.addEventListener('input', () => faultyField === field && markFault(null));
    // A field left with something in it is checked at once; an empty one waits for the submit.
    input.addEventListener('blur', () => {
      if (pressingPay) return;
      if (!input.value || input.closest('form').hidden) return;
      const message = field === 'vpa' ? checkUpi({ vpa: input.value })?.message : checkCardField(field, cardValues());
      if (message) markFault(field, message);
    });
  }
}
