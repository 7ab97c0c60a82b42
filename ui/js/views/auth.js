// Sign in, sign up and "forgot password": centred cards, errors under the
// field they concern, one button per OAuth2 provider the server offers.

import { request, signInWithPassword, authMethods, ApiError, takeNotice } from '../api.js';
import { t } from '../i18n.js';
import { h, logo } from '../dom.js';
import { field, showErrors, localErrors, passwordErrors, clearErrors, formAlert, busy } from '../form.js';
import { languageSwitch } from '../lang-switch.js';
import { startOAuth2 } from '../oauth2.js';

function card(titleKey, leadKey, ...body) {
  return h('section', { class: 'auth-card' },
    h('div', { class: 'auth-head' }, logo(), languageSwitch()),
    h('h1', {}, t(titleKey)),
    h('p', { class: 'lead' }, t(leadKey)),
    ...body);
}

const providerMarks = {
  github: 'M12 .5a11.5 11.5 0 0 0-3.64 22.41c.58.1.79-.25.79-.56v-2c-3.2.7-3.88-1.37-3.88-1.37-.53-1.33-1.29-1.69-1.29-1.69-1.05-.72.08-.7.08-.7 1.16.08 1.77 1.19 1.77 1.19 1.03 1.77 2.7 1.26 3.36.96.1-.75.4-1.26.73-1.55-2.55-.29-5.24-1.28-5.24-5.68 0-1.25.45-2.28 1.19-3.08-.12-.29-.52-1.46.11-3.04 0 0 .97-.31 3.17 1.18a11 11 0 0 1 5.77 0c2.2-1.49 3.17-1.18 3.17-1.18.63 1.58.23 2.75.11 3.04.74.8 1.19 1.83 1.19 3.08 0 4.41-2.69 5.38-5.25 5.67.41.36.78 1.06.78 2.14v3.17c0 .31.21.67.8.56A11.5 11.5 0 0 0 12 .5z',
  kakao: 'M12 3C6.48 3 2 6.5 2 10.82c0 2.8 1.87 5.25 4.68 6.63l-1.19 4.36c-.1.38.33.68.66.46l5.2-3.44c.21.02.43.03.65.03 5.52 0 10-3.5 10-7.82S17.52 3 12 3z',
};

function providerButtons(form) {
  const box = h('div', { class: 'oauth', hidden: true });
  authMethods().then((m) => {
    const providers = (m && m.oauth2 && m.oauth2.enabled && m.oauth2.providers) || [];
    if (!providers.length) return;
    box.append(h('p', { class: 'divider' }, h('span', {}, t('auth.or'))));
    for (const p of providers) {
      const mark = providerMarks[p.name];
      const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
      svg.setAttribute('viewBox', '0 0 24 24');
      svg.setAttribute('width', '20');
      svg.setAttribute('height', '20');
      svg.setAttribute('aria-hidden', 'true');
      if (mark) {
        const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
        path.setAttribute('d', mark);
        path.setAttribute('fill', 'currentColor');
        svg.append(path);
      }
      box.append(h('button', {
        type: 'button',
        class: `btn oauth-btn oauth-${p.name}`,
        dataset: { provider: p.name },
        onclick: () => startOAuth2(p).catch((err) => showErrors(form, err)),
      }, svg, t('auth.with', { name: p.displayName || p.name })));
    }
    box.hidden = false;
  }).catch(() => {});
  return box;
}

/** signinView is the sign-in card at #/signin. */
export function signinView(root) {
  const submit = h('button', { type: 'submit', class: 'btn primary wide' }, t('auth.signin.submit'));
  const form = h('form', { class: 'stack', novalidate: true },
    field('identity', t('auth.email'), { type: 'email', autocomplete: 'email', required: true }),
    field('password', t('auth.password'), { type: 'password', autocomplete: 'current-password', required: true }),
    h('p', { class: 'right' }, h('a', { href: '#/forgot' }, t('auth.forgot'))),
    submit);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const identity = form.identity.value.trim();
    const password = form.password.value;
    if (!identity) return localErrors(form, { identity: { code: 'validation_required' } });
    if (!password) return localErrors(form, { password: { code: 'validation_required' } });
    await busy(submit, async () => {
      try {
        await signInWithPassword(identity, password);
      } catch (err) {
        if (err instanceof ApiError && err.status === 400 && !Object.keys(err.data).length) {
          err.message = t('auth.failed');
        }
        showErrors(form, err, 'password');
      }
    });
  });
  root.append(card('auth.signin.title', 'auth.signin.lead', form, providerButtons(form),
    h('p', { class: 'switch-link' }, h('a', { href: '#/signup' }, t('auth.toSignup')))));
  const notice = takeNotice();
  if (notice) formAlert(form, t(notice));
}

/** signupView is the sign-up card at #/signup. */
export function signupView(root) {
  const submit = h('button', { type: 'submit', class: 'btn primary wide' }, t('auth.signup.submit'));
  const form = h('form', { class: 'stack', novalidate: true },
    field('email', t('auth.email'), { type: 'email', autocomplete: 'email', required: true }),
    field('password', t('auth.password'), { type: 'password', autocomplete: 'new-password', required: true, minlength: 8 }, t('auth.passwordHint')),
    field('passwordConfirm', t('auth.passwordConfirm'), { type: 'password', autocomplete: 'new-password', required: true }),
    field('nickname', t('auth.nickname'), { type: 'text', autocomplete: 'nickname', maxlength: 40 }),
    submit);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const body = {
      email: form.email.value.trim(),
      password: form.password.value,
      passwordConfirm: form.passwordConfirm.value,
      nickname: form.nickname.value.trim(),
    };
    const missing = body.email ? {} : { email: { code: 'validation_required' } };
    if (localErrors(form, { ...missing, ...passwordErrors(body.password, body.passwordConfirm) })) return;
    if (!body.nickname) delete body.nickname;
    await busy(submit, async () => {
      try {
        await request('/api/collections/users/records', { method: 'POST', body });
        await signInWithPassword(body.email, body.password);
      } catch (err) {
        showErrors(form, err);
      }
    });
  });
  root.append(card('auth.signup.title', 'auth.signup.lead', form, providerButtons(form),
    h('p', { class: 'switch-link' }, h('a', { href: '#/signin' }, t('auth.toSignin')))));
}

/** forgotView asks PocketBase to mail a password reset link. */
export function forgotView(root) {
  const submit = h('button', { type: 'submit', class: 'btn primary wide' }, t('auth.forgot.submit'));
  const form = h('form', { class: 'stack', novalidate: true },
    field('email', t('auth.email'), { type: 'email', autocomplete: 'email', required: true }),
    submit);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const email = form.email.value.trim();
    if (!email) return localErrors(form, { email: { code: 'validation_required' } });
    await busy(submit, async () => {
      try {
        await request('/api/collections/users/request-password-reset', { method: 'POST', body: { email } });
        formAlert(form, t('auth.forgot.sent', { email }), 'success');
        form.email.value = '';
      } catch (err) {
        showErrors(form, err, 'email');
      }
    });
  });
  root.append(card('auth.forgot.title', 'auth.forgot.lead', form,
    h('p', { class: 'switch-link' }, h('a', { href: '#/signin' }, t('auth.back')))));
}
