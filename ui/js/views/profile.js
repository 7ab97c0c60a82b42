// Profile: nickname, the usage chart, API keys, password change, sign out
// (here or everywhere), and account deletion behind a typed confirmation.

import { request, session, setUser, setSession, clearSession, signInWithPassword } from '../api.js';
import { t } from '../i18n.js';
import { h } from '../dom.js';
import { field, showErrors, localErrors, passwordErrors, clearErrors, formAlert, busy } from '../form.js';
import { usageSection } from './profile/usage.js';
import { keysSection } from './profile/keys.js';

/** profileView is the profile at #/profile. */
export function profileView(root) {
  const user = session.user || {};
  const userURL = () => `/api/collections/users/records/${encodeURIComponent(session.user.id)}`;

  // ---- nickname ------------------------------------------------------------
  const saveNick = h('button', { type: 'submit', class: 'btn primary' }, t('common.save'));
  const nickForm = h('form', { class: 'stack', novalidate: true },
    h('div', { class: 'field' }, h('span', { class: 'label' }, t('profile.email')),
      h('p', { class: 'static', 'data-testid': 'email' }, user.email || t('profile.noEmail'))),
    field('nickname', t('profile.nickname'), { type: 'text', maxlength: 40, autocomplete: 'nickname', '.value': user.nickname || '' }),
    h('div', { class: 'form-actions' }, saveNick));
  nickForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(nickForm);
    await busy(saveNick, async () => {
      try {
        const { data } = await request(userURL(), { method: 'PATCH', body: { nickname: nickForm.nickname.value.trim() } });
        setUser(data);
        nickForm.nickname.value = data.nickname || '';
        formAlert(nickForm, t('common.saved'), 'success');
      } catch (err) {
        showErrors(nickForm, err, 'nickname');
      }
    });
  });

  // ---- password -------------------------------------------------------------
  const savePw = h('button', { type: 'submit', class: 'btn primary' }, t('profile.password.submit'));
  const pwForm = h('form', { class: 'stack', novalidate: true },
    field('oldPassword', t('profile.oldPassword'), { type: 'password', autocomplete: 'current-password' }),
    field('password', t('profile.newPassword'), { type: 'password', autocomplete: 'new-password', minlength: 8 }, t('auth.passwordHint')),
    field('passwordConfirm', t('profile.newPasswordConfirm'), { type: 'password', autocomplete: 'new-password' }),
    h('div', { class: 'form-actions' }, savePw));
  pwForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(pwForm);
    const body = {
      oldPassword: pwForm.oldPassword.value,
      password: pwForm.password.value,
      passwordConfirm: pwForm.passwordConfirm.value,
    };
    const missing = body.oldPassword ? {} : { oldPassword: { code: 'validation_required' } };
    if (localErrors(pwForm, { ...missing, ...passwordErrors(body.password, body.passwordConfirm) })) return;
    await busy(savePw, async () => {
      try {
        const { data } = await request(userURL(), { method: 'PATCH', body });
        // a new password ends every token, this one included: sign in again
        if (data.email) {
          await signInWithPassword(data.email, body.password);
        } else {
          setSession(session.token, data);
        }
        pwForm.reset();
        formAlert(pwForm, t('profile.password.done'), 'success');
      } catch (err) {
        showErrors(pwForm, err, 'oldPassword');
      }
    });
  });

  // ---- sessions ------------------------------------------------------------
  const signOut = h('button', { type: 'button', class: 'btn', onclick: () => clearSession() }, t('profile.signout'));
  const signOutAll = h('button', { type: 'button', class: 'btn' }, t('profile.signoutAll'));
  const sessionBox = h('div', { class: 'stack' },
    h('p', { class: 'meta' }, t('profile.signoutAll.hint')),
    h('div', { class: 'form-actions' }, signOut, signOutAll));
  signOutAll.addEventListener('click', () => busy(signOutAll, async () => {
    try {
      await request('/api/logout-all', { method: 'POST' });
      clearSession();
    } catch (err) {
      if (!session.token) return; // the token was already dead: signed out anyway
      const old = sessionBox.querySelector('.fail');
      if (old) old.remove();
      sessionBox.append(h('p', { class: 'fail', role: 'alert' }, err.message || t('common.offline')));
    }
  }));

  // ---- delete account --------------------------------------------------------
  const word = t('profile.delete.word');
  const danger = h('div', { class: 'stack' }, h('p', { class: 'meta' }, t('profile.danger.lead')));
  const startDelete = h('button', { type: 'button', class: 'btn danger-outline' }, t('profile.delete'));
  danger.append(h('div', { class: 'form-actions' }, startDelete));
  startDelete.addEventListener('click', () => {
    startDelete.hidden = true;
    const confirmBtn = h('button', { type: 'submit', class: 'btn danger', disabled: true }, t('profile.delete.confirm'));
    const cancel = h('button', { type: 'button', class: 'btn ghost' }, t('common.cancel'));
    const f = h('form', { class: 'stack confirm-delete', novalidate: true },
      field('confirmWord', t('profile.delete.ask', { word }), { type: 'text', autocomplete: 'off', spellcheck: 'false' }),
      h('div', { class: 'form-actions' }, confirmBtn, cancel));
    const close = () => { f.remove(); startDelete.hidden = false; startDelete.focus(); };
    cancel.addEventListener('click', close);
    f.addEventListener('keydown', (e) => { if (e.key === 'Escape') close(); });
    f.confirmWord.addEventListener('input', () => {
      confirmBtn.disabled = f.confirmWord.value.trim().toLowerCase() !== word.toLowerCase();
    });
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (confirmBtn.disabled) return;
      await busy(confirmBtn, async () => {
        try {
          await request(userURL(), { method: 'DELETE' });
          clearSession();
        } catch (err) {
          showErrors(f, err, 'confirmWord');
        }
      });
    });
    danger.append(f);
    f.confirmWord.focus();
  });

  // ---- usage and API keys ----------------------------------------------------
  const usageBox = h('div', { class: 'stack' });
  const keysBox = h('div', { class: 'stack' });
  const parts = [usageSection(usageBox), keysSection(keysBox)];

  const section = (title, body, cls = '') => h('section', { class: `panel-card ${cls}` }, h('h2', {}, title), body);
  root.append(h('div', { class: 'profile page' },
    h('h1', {}, t('profile.title')),
    section(t('profile.account'), nickForm),
    section(t('usage.title'), usageBox, 'usage'),
    section(t('keys.title'), keysBox, 'keys'),
    section(t('profile.password.title'), pwForm),
    section(t('profile.session.title'), sessionBox),
    section(t('profile.danger.title'), danger, 'danger-zone')));

  return { destroy() { parts.forEach((p) => p.destroy()); } };
}
