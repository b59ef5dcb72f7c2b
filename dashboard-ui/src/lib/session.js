// The signed-in merchant, kept in this tab only (sessionStorage): closing the tab signs out, and
// another tab asks for the password again.
const KEY = 'paystream.dashboard.session';

/** `{id, name, email, api_key, api_secret}` or null. */
export function currentMerchant() {
  try {
    const value = JSON.parse(sessionStorage.getItem(KEY) || 'null');
    return value && value.api_key && value.api_secret ? value : null;
  } catch {
    return null;
  }
}

export function signIn(merchant) {
  const { id, name, email, api_key, api_secret } = merchant;
  sessionStorage.setItem(KEY, JSON.stringify({ id, name, email, api_key, api_secret }));
}

export function signOut() {
  sessionStorage.removeItem(KEY);
}
