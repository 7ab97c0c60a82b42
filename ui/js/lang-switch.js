// The 한 | EN toggle of the shell and the sign-in card. A switch redraws the
// page through i18n's listeners, so the views that show it need nothing of
// the shell, which imports them.

import { t, lang, setLang, languages } from './i18n.js';
import { h } from './dom.js';

/** languageSwitch is the 한 | EN toggle, used by the shell and the sign-in card. */
export function languageSwitch() {
  return h('div', { class: 'lang-switch', role: 'group', 'aria-label': t('lang.label') },
    languages.map((l) => h('button', {
      type: 'button',
      lang: l.code,
      'aria-pressed': String(lang() === l.code),
      'aria-label': l.name,
      title: l.name,
      dataset: { lang: l.code },
      onclick: () => {
        if (lang() === l.code) return;
        setLang(l.code);
        // the page was drawn anew: focus the same choice in it
        const again = document.querySelector(`.lang-switch [data-lang="${l.code}"]`);
        if (again) again.focus();
      },
    }, l.short)));
}
