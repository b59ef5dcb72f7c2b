// Live updates by polling: `fn` runs every `ms` while the page is visible, never twice at once,
// and at once when the tab becomes visible again. Returns a function that stops it.
//
// A tick that ran into a refusal with `Retry-After` (429, 503) backs off: when `fn` throws or
// returns an error with `retryAfter` (seconds, as ApiError carries it), the next tick waits at least
// that long, also when the tab becomes visible again in between. `fn` shows its own errors; it
// returns the one it showed so that the poll can honour it.
export function poll(fn, ms) {
  let timer = null;
  let stopped = false;
  let running = false;
  let notBefore = 0; // no tick before this time (ms since the epoch)

  const schedule = (delay) => {
    clearTimeout(timer);
    if (!stopped) timer = setTimeout(run, Math.max(delay, notBefore - Date.now()));
  };
  const run = async () => {
    clearTimeout(timer);
    if (stopped || running) return;
    if (document.visibilityState !== 'visible') return;
    if (Date.now() < notBefore) return schedule(0);
    running = true;
    let outcome;
    try {
      outcome = await fn();
    } catch (err) {
      outcome = err; // the next tick tries again
    } finally {
      running = false;
      const wait = retryAfterOf(outcome);
      notBefore = wait > 0 ? Date.now() + wait * 1000 : 0;
      schedule(ms);
    }
  };
  const onVisibility = () => {
    if (document.visibilityState === 'visible') run();
  };
  document.addEventListener('visibilitychange', onVisibility);
  timer = setTimeout(run, ms);
  return () => {
    stopped = true;
    clearTimeout(timer);
    document.removeEventListener('visibilitychange', onVisibility);
  };
}

/** The longest `retryAfter` (seconds) of an error, or of a list of them; 0 when none asks to wait. */
export function retryAfterOf(outcome) {
  const list = Array.isArray(outcome) ? outcome : [outcome];
  return Math.max(0, ...list.map((x) => (x && Number.isFinite(x.retryAfter) ? x.retryAfter : 0)));
}
