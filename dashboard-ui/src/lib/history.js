// Back and Forward between addresses a page shows itself (a dialog on top of its list), handled by
// that page instead of the router, which would build the page anew.

let handler = null;

/**
 * While the page that calls it is shown, `fn` is asked first about each Back or Forward; it returns
 * true when it took care of the move. Returns the function that stops it.
 */
export function onHistoryMove(fn) {
  handler = fn;
  return () => {
    if (handler === fn) handler = null;
  };
}

/** Whether the page shown took care of the Back or Forward that just happened. */
export function historyMoveHandled() {
  return handler?.() === true;
}
