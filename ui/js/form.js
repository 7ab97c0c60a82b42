// Form helpers shared by the views: a labelled field with its error line,
// errors shown under the field they concern (the server's and our own
// checks alike), one alert for the whole form, and a button busy while its
// request runs.

import { ApiError } from './api.js';
import { t } from './i18n.js';
import { h } from './dom.js';

/** field builds a labelled input with its error line. */
export function field(name, label, attrs = {}, hint) {
  const id = `f-${name}-${Math.random().toString(36).slice(2, 7)}`;
  const err = h('p', { class: 'field-error', id: `${id}-err`, 'data-error-for': name, hidden: true });
  const hintEl = hint ? h('p', { class: 'field-hint', id: `${id}-hint` }, hint) : null;
  const input = attrs.tag === 'textarea'
    ? h('textarea', { id, name, ...attrs, tag: null, 'aria-describedby': [hintEl && hintEl.id, err.id].filter(Boolean).join(' ') })
    : h('input', { id, name, ...attrs, 'aria-describedby': [hintEl && hintEl.id, err.id].filter(Boolean).join(' ') });
  return h('div', { class: 'field' }, h('label', { for: id }, label), input, hintEl, err);
}

/** showErrors puts PocketBase's field errors under their fields, the rest in the form's alert. */
export function showErrors(form, err, fallbackField) {
  clearErrors(form);
  const data = (err instanceof ApiError && err.data) || {};
  let shown = false;
  for (const [name, e] of Object.entries(data)) {
    const slot = form.querySelector(`[data-error-for="${name}"]`);
    if (!slot) continue;
    slot.textContent = fieldMessage(e);
    slot.hidden = false;
    const input = form.querySelector(`[name="${name}"]`);
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      if (!shown) input.focus();
    }
    shown = true;
  }
  if (shown) return;
  const target = fallbackField && form.querySelector(`[data-error-for="${fallbackField}"]`);
  const msg = err instanceof ApiError ? (err.status === 0 ? t('common.offline') : err.message) : t('common.offline');
  if (target) {
    target.textContent = msg;
    target.hidden = false;
  } else {
    formAlert(form, msg);
  }
}

/**
 * localErrors shows the errors found before asking the server, in
 * PocketBase's shape ({name: {code}} or {name: {message}}), so they read
 * like the server's own; it says whether there were any.
 */
export function localErrors(form, errs) {
  if (!Object.keys(errs).length) return false;
  showErrors(form, new ApiError(400, { data: errs }));
  return true;
}

/** passwordErrors checks a new password and its confirmation, as sign-up and the profile ask for them. */
export function passwordErrors(password, passwordConfirm) {
  if (password.length < 8) return { password: { message: t('v.passwordShort') } };
  if (password !== passwordConfirm) return { passwordConfirm: { code: 'validation_values_mismatch' } };
  return {};
}

/** clearErrors hides every error of the form. */
export function clearErrors(form) {
  form.querySelectorAll('[data-error-for]').forEach((el) => { el.hidden = true; el.textContent = ''; });
  form.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
  const alert = form.querySelector('.form-alert');
  if (alert) alert.remove();
}

/** formAlert shows one message for the whole form. */
export function formAlert(form, msg, kind = 'error') {
  const old = form.querySelector('.form-alert');
  if (old) old.remove();
  const el = h('p', { class: `form-alert ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, msg);
  form.prepend(el);
  return el;
}

function fieldMessage(e) {
  switch (e && e.code) {
    case 'validation_required': return t('v.required');
    case 'validation_is_email': return t('v.email');
    case 'validation_not_unique':
    case 'validation_invalid_email': return t('v.taken');
    case 'validation_length_out_of_range':
    case 'validation_length_too_short':
    case 'validation_min_text_constraint': return t('v.length');
    case 'validation_values_mismatch': return t('v.mismatch');
    case 'validation_invalid_old_password': return t('v.oldPassword');
    default: return (e && e.message) || t('common.error');
  }
}

/** busy disables a form's button while a promise runs. */
export async function busy(button, fn) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await fn();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}
