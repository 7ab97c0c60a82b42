// The OAuth2 callback page: checks the state, exchanges the code for a
// PocketBase session, then opens the chat.

import { request, setSession } from './api.js';
import { t } from './i18n.js';
import { takeOAuth2State, callbackURL } from './oauth2.js';

const status = document.getElementById('status');
const back = document.getElementById('back');

function fail() {
  status.textContent = t('auth.oauth.failed');
  status.setAttribute('role', 'alert');
  back.textContent = t('auth.back');
  back.hidden = false;
}

async function finish() {
  status.textContent = t('auth.oauth.working');
  const params = new URLSearchParams(location.search);
  const saved = takeOAuth2State();
  const code = params.get('code');
  if (!saved || !code || params.get('error') || params.get('state') !== saved.state) {
    fail();
    return;
  }
  try {
    const { data } = await request('/api/collections/users/auth-with-oauth2', {
      method: 'POST',
      body: {
        provider: saved.provider,
        code,
        codeVerifier: saved.codeVerifier,
        redirectURL: callbackURL(),
      },
    });
    setSession(data.token, data.record);
    location.replace('./#/chat');
  } catch {
    fail();
  }
}

finish();
