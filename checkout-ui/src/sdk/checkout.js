// checkout.js — the script merchants include to open Paystream's checkout in a modal.
//
//   <script src="https://checkout.example/checkout.js"></script>
//   new PaymentGateway({ key, orderId, onSuccess, onFailure, onClose }).open();
//
// The page inside the iframe talks back with postMessage. A message counts only when it comes
// from the checkout origin AND from this modal's own iframe window; a success is believed only
// after the public payment endpoint confirms it is a successful payment of this very order (unless
// the merchant page's Content-Security-Policy forbids asking: then the message alone counts).
// No dependencies; it must stay under 4 KB minified (the build checks).

(() => {
  if (window.PaymentGateway) return; // included twice: the first copy stays in charge

  const D = document;
  const script = D.currentScript;
  const defaultHost = script && script.src ? script.src : location.href;
  const ID = 'payment-gateway-modal';
  // Every element of the modal starts from initial values, so a merchant's rules (`button{padding:…}`,
  // `*{box-sizing:…}`, `iframe{border:…}`) do not reach it; the rules after the first give its own.
  const CSS =
    `#${ID},#${ID} div,#${ID} button,#${ID} iframe,#${ID} i,#${ID} ::before,#${ID} ::after{all:initial}` +
    `#${ID}{position:fixed;inset:0;z-index:2147483647;display:flex;align-items:center;justify-content:center}` +
    `#${ID}>div{position:absolute;inset:0;background:rgba(15,23,42,.6)}` +
    `#${ID}>[role=dialog]{position:relative;inset:auto;width:min(440px,100%);height:min(700px,100%);background:#fff;border-radius:12px;overflow:hidden;box-shadow:0 20px 50px rgba(0,0,0,.3)}` +
    `#${ID} iframe{display:block;width:100%;height:100%}` +
    `#${ID} button{position:absolute;top:8px;right:8px;width:40px;height:40px;border-radius:50%;background:#f1f5f9;color:#0f172a;font:24px/1 sans-serif;text-align:center;cursor:pointer}` +
    // A focus ring for the keyboard; browsers without :focus-visible drop that rule and keep this one.
    `#${ID} button:focus{outline:3px solid #2563eb;outline-offset:2px}` +
    `#${ID} button:focus:not(:focus-visible){outline:0}` +
    `@media(max-width:480px){#${ID}>[role=dialog]{width:100%;height:100%;border-radius:0}}`;
  // A constructed stylesheet, which a merchant's Content-Security-Policy without 'unsafe-inline'
  // in style-src does not block; a browser without one gets a <style> element in the modal.
  const sheet = D.adoptedStyleSheets && new CSSStyleSheet();
  // The close function of the modal on screen: one at a time, whichever instance opened it (two
  // would share one element id and pull focus from each other). While one opens, another open()
  // (from the onClose of the modal it replaces, or a focus handler) does nothing: the modal opening
  // stays the only one, whatever the callbacks do.
  let shown, opening;

  // A class, so that a call without `new` is a TypeError rather than methods set on window.
  class PaymentGateway {
    constructor(options) {
      const o = options || {};
      const url = new URL(o.host || defaultHost, location.href);
      if (!o.key || !o.orderId || !/^https?:$/.test(url.protocol))
        throw new TypeError('PaymentGateway needs a key, an orderId and an http(s) host');
      const host = url.origin;
      let root, frame, button, before, settled, forbidden;
      // The payment the page made, kept by this tab for the order: a checkout opened again after the
      // merchant page reloads follows it, where the frame may keep nothing (storage that browsers deny
      // to pages framed by another site). `keep()` forgets it.
      const memory = 'paystream.checkout.' + o.orderId;
      const keep = (id) => {
        try {
          typeof id == 'string' ? sessionStorage.setItem(memory, id) : sessionStorage.removeItem(memory);
        } catch (e) {}
      };

      // A merchant's callback that throws must not break the modal; its error still reaches the console.
      const call = (name, data) => {
        try {
          if (typeof o[name] == 'function') o[name](data);
        } catch (e) {
          setTimeout(() => { throw e; });
        }
      };

      const succeed = (id, modal) => {
        if (settled || modal != root) return;
        settled = true;
        keep();
        call('onSuccess', { paymentId: id });
        close();
      };

      // A success counts once the public endpoint says this order's payment succeeded. An answer that
      // may yet change (none, 408, 429, 5xx: a restart, a limit; none within 10 s counts as none, so
      // a request the network holds for good does not stop the asking) is asked again 1, 2 and then
      // every 4 s, for as long as this modal stays open; a definite "no" is final. A page whose policy
      // (connect-src) forbids asking would ask for ever: where the browser itself reported that it
      // blocked this very request, and the request failed without an answer, our own frame's word counts.
      const confirmSuccess = (id, wait = 1000, modal = root) => {
        if (typeof id != 'string' || settled || !modal || modal != root) return;
        const url = `${host}/api/v1/payments/${encodeURIComponent(id)}/public`;
        const stop = new AbortController();
        const deadline = setTimeout(() => stop.abort(), 1e4);
        fetch(url, { credentials: 'omit', cache: 'no-store', signal: stop.signal })
          .then((r) => {
            if (r.ok) return r.json();
            if (r.status == 408 || r.status == 429 || r.status > 499) throw r.status;
            return null;
          })
          // Once the answer (its body too) is in, nothing is left to give up on.
          .finally(() => clearTimeout(deadline))
          .then(
            (p) => p && p.status == 'success' && p.order_id == o.orderId && succeed(p.id, modal),
            (err) =>
              err instanceof TypeError && forbidden && url.indexOf(forbidden) == 0
                ? succeed(id, modal)
                : setTimeout(() => confirmSuccess(id, Math.min(wait * 2, 4000), modal), wait),
          );
      };
      // Only the browser's own report of a request it refused (not one in report-only mode, nor one a
      // script made up), and only when it names the checkout origin or a URL on it.
      const onPolicy = (e) => {
        const uri = e.blockedURI;
        if (e.isTrusted && e.disposition == 'enforce' && e.effectiveDirective == 'connect-src' && (uri + '/').indexOf(host + '/') == 0)
          forbidden = uri;
      };

      const onMessage = (e) => {
        if (!frame || e.origin != host || e.source != frame.contentWindow) return;
        const m = e.data || {};
        if (m.type == 'payment_success') confirmSuccess((m.data || {}).paymentId);
        else if (m.type == 'payment_created') keep((m.data || {}).paymentId);
        else if (m.type == 'payment_failed') keep(), call('onFailure', m.data);
        else if (m.type == 'close_modal') close();
      };

      // Focus stays in the modal: a guard before the close button and one after the iframe send Tab
      // around, and focus that lands anywhere else on the page comes back to the close button.
      const onKey = (e) => e.key == 'Escape' && close();
      const onFocus = (e) => root && !root.contains(e.target) && button.focus();

      // Adds (or removes) every listener the modal needs.
      const listen = (how) =>
        [
          [window, 'message', onMessage],
          [D, 'securitypolicyviolation', onPolicy],
          [D, 'keydown', onKey, true],
          [D, 'focusin', onFocus, true],
        ].map(([target, ...args]) => target[how + 'EventListener'](...args));

      const open = () => {
        if (root || opening) return;
        opening = 1;
        try {
          if (shown) shown(); // another instance's modal closes first, with its onClose
          // The merchant page does not scroll under the modal. Whichever of html and body scrolls it
          // (a computed overflow other than visible: body's is the page's where html's is visible, or
          // body scrolls itself, as with html{overflow:hidden} body{height:100%;overflow:auto}) gets
          // overflow hidden, html where neither does, by a rule of the modal's own styles: the page's
          // own inline overflow is never touched, so whatever the page sets while the modal is open
          // (its own locks, or their release) is what holds once it closes. Read before this modal
          // counts as open: without a <body> yet, this throws and the instance is as it was.
          const scrollers = [D.documentElement, D.body].filter((e) => getComputedStyle(e).overflowY != 'visible');
          shown = close;
          settled = false;
          before = D.activeElement;
          root = D.createElement('div');
          root.id = ID;
          root.setAttribute('data-test-id', 'payment-modal');
          const css = CSS + (scrollers.length ? scrollers.map((e) => e.localName) : 'html') + '{overflow:hidden!important}';
          if (sheet) sheet.replaceSync(css);
          root.innerHTML =
            (sheet ? '' : `<style>${css}</style>`) +
            '<div></div><div role="dialog" aria-modal="true" aria-label="Checkout">' +
            '<i tabindex="0"></i><button type="button" data-test-id="close-modal-button" aria-label="Close checkout">&times;</button>' +
            '<iframe data-test-id="payment-iframe" title="Checkout" allow="payment"></iframe><i tabindex="0"></i></div>';
          frame = root.querySelector('iframe');
          button = root.querySelector('button');
          const [first, last] = root.querySelectorAll('i');
          // Backwards into the frame: its page focuses its last control (it cannot tell the way in).
          first.onfocus = () => {
            frame.focus();
            frame.contentWindow.postMessage({ type: 'focus_last' }, host);
          };
          last.onfocus = () => button.focus();
          const query = new URLSearchParams({
            order_id: o.orderId,
            key: o.key,
            embedded: 'true',
            parent_origin: location.origin,
          });
          try {
            const kept = sessionStorage.getItem(memory);
            if (kept) query.set('payment_id', kept);
          } catch (e) {}
          frame.src = `${host}/checkout?${query}`;
          button.onclick = close;
          listen('add');
          const sheets = D.adoptedStyleSheets;
          if (sheet && sheets.indexOf(sheet) < 0) D.adoptedStyleSheets = [...sheets, sheet];
          D.body.appendChild(root);
          frame.focus();
        } finally {
          opening = 0; // a throw (open() before <body> exists) must not stop every later open()
        }
      };

      const close = () => {
        if (!root) return;
        if (shown == close) shown = null;
        listen('remove');
        root.remove();
        root = frame = button = null;
        if (sheet) sheet.replaceSync('');
        if (before && before.focus) before.focus();
        call('onClose');
      };

      this.open = open;
      this.close = close;
    }
  }

  window.PaymentGateway = PaymentGateway;
})();
