// Which part of the page shows, and where the one `error-message` stands: under the form when the
// form is refused, inside `error-state` when a payment failed or the order cannot be paid.

export const byTestId = (id) => document.querySelector(`[data-test-id="${id}"]`);

const loading = document.getElementById('loading');
const paySection = document.getElementById('pay-section');
const payButton = byTestId('pay-button');
const errorMessage = byTestId('error-message');
const errorState = byTestId('error-state');
const retryButton = byTestId('retry-button');
const states = {
  loading,
  pay: paySection,
  processing: byTestId('processing-state'),
  success: byTestId('success-state'),
  error: errorState,
};

/** Shows one part of the page and hides the others. */
export function show(name) {
  for (const [key, el] of Object.entries(states)) el.hidden = key !== name;
}

/** Moves focus to an element that screen readers should read next. */
export function focusOn(el) {
  if (!el.hasAttribute('tabindex') && !/^(BUTTON|INPUT)$/.test(el.tagName)) el.setAttribute('tabindex', '-1');
  el.focus();
}

/**
 * Focuses the page's last control. Shift+Tab from the modal's close button comes round to it: the
 * SDK asks for it when focus enters the frame backwards, which the frame alone cannot tell.
 */
export function focusLast() {
  const controls = [...document.querySelectorAll('button, input, select, textarea, a[href], [tabindex]')].filter(
    (el) => el.tabIndex >= 0 && !el.disabled && el.getClientRects().length > 0,
  );
  if (controls.length) controls[controls.length - 1].focus();
}

/** Shows why the form was refused, under the form. */
export function showFormError(message) {
  paySection.insertBefore(errorMessage, payButton);
  errorMessage.textContent = message;
  errorMessage.hidden = false;
}

/** Hides the form's error message. */
export function clearFormError() {
  if (errorMessage.parentElement === paySection) errorMessage.hidden = true;
}

/**
 * Shows the error state: a title, a reason, and a retry button when `onRetry` is given.
 */
export function showError(title, message, onRetry) {
  errorState.querySelector('h2').textContent = title;
  errorState.insertBefore(errorMessage, retryButton);
  errorMessage.textContent = message;
  errorMessage.hidden = false;
  retryButton.hidden = !onRetry;
  retryButton.onclick = onRetry || null;
  show('error');
  focusOn(errorState.querySelector('h2'));
}

/** Shows the success state with the payment's id. */
export function showSuccess(paymentId) {
  byTestId('payment-id').textContent = paymentId;
  show('success');
  focusOn(byTestId('success-state').querySelector('h2'));
}

/** Shows the processing state with a message. */
export function showProcessing(message) {
  byTestId('processing-message').textContent = message;
  if (states.processing.hidden) {
    show('processing');
    focusOn(states.processing);
  }
}
