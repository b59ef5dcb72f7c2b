// Where the embedded page may send its messages: to the page that framed it, and nowhere else.
//
// The parent's origin comes from `location.ancestorOrigins` where the browser has it (it cannot be
// forged by anyone), else from the `parent_origin` query parameter that checkout.js adds, else from
// document.referrer. A wrong value cannot leak anything: postMessage with a target origin is only
// delivered when the parent really has that origin. Never '*'.

function originOf(text) {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null;
  } catch {
    return null;
  }
}

/** The origin of the framing page, or null when the page is not framed or it cannot be told. */
export function parentOrigin(params) {
  if (window.parent === window) return null;
  const ancestors = window.location.ancestorOrigins;
  if (ancestors && ancestors.length) return originOf(ancestors[0]);
  return originOf(params.get('parent_origin')) || originOf(document.referrer);
}

/** Returns a function that posts a message to the parent's origin only (a no-op when there is none). */
export function parentMessenger(params) {
  const target = parentOrigin(params);
  return (message) => {
    if (target) window.parent.postMessage(message, target);
  };
}

/**
 * Calls `handler` with each message the framing page itself sends, from the parent's origin (none
 * when there is no parent). The SDK sends only `{type: "focus_last"}`.
 */
export function onParentMessage(params, handler) {
  const origin = parentOrigin(params);
  if (!origin) return;
  window.addEventListener('message', (e) => {
    if (e.source === window.parent && e.origin === origin) handler(e.data || {});
  });
}
