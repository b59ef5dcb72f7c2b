// Live updates by polling: `fn` runs every `ms` while the page is visible, never twice at once,
// and at once when the tab becomes visible again. Returns a function that stops it.
export function poll(fn, ms) {
  let timer = null;
  let stopped = false;
  let running = false;

  const run = async () => {
    clearTimeout(timer);
    if (stopped || running) return;
    if (document.visibilityState !== 'visible') return;
    running = true;
    try {
      await fn();
    } catch {
      // fn shows its own errors; the next tick tries again.
    } finally {
      running = false;
      if (!stopped) timer = setTimeout(run, ms);
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
