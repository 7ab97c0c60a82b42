// The OAuth2 redirect flow without PocketBase's SDK: remember the provider's
// state and PKCE verifier, go to its authURL with our callback page as the
// redirect URL; the callback page exchanges the code.

const KEY = 'stovebot.oauth2';

/** callbackURL is the page the provider sends the browser back to. */
export function callbackURL() {
  return new URL('oauth2-callback.html', location.href.split('#')[0]).href;
}

/** startOAuth2 leaves for the provider's sign-in page. */
export async function startOAuth2(provider) {
  sessionStorage.setItem(KEY, JSON.stringify({
    provider: provider.name,
    state: provider.state,
    codeVerifier: provider.codeVerifier,
  }));
  location.assign(provider.authURL + encodeURIComponent(callbackURL()));
}

/** takeOAuth2State returns (and forgets) what startOAuth2 remembered. */
export function takeOAuth2State() {
  const raw = sessionStorage.getItem(KEY);
  sessionStorage.removeItem(KEY);
  try {
    return JSON.parse(raw || 'null');
  } catch {
    return null;
  }
}
