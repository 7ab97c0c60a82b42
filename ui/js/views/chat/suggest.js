// The empty chat's suggested questions, made from the quotes actually
// approved: a question about a speaker on the board and one about a word of
// a line, so that each finds something, online or offline, in either language.

import { request } from '../../api.js';
import { t } from '../../i18n.js';

const COUNT = 3;

/** suggestedQuestions returns up to three questions; none while the board is empty. */
export async function suggestedQuestions() {
  const { data } = await request('/api/quotes/search?perPage=50&sort=newest');
  const speakers = shuffle((data.speakers || []).map((s) => s.name));
  const words = shuffle([...new Set(data.items.map((q) => keyword(q.content)).filter(Boolean))]);
  const out = [];
  // alternate speakers and words while either lasts
  while (out.length < COUNT && (speakers.length || words.length)) {
    const byWord = out.length % 2 === 1 ? words.length > 0 : !speakers.length;
    out.push(byWord ? t('chat.suggest.word', { word: words.shift() }) : t('chat.suggest.speaker', { name: speakers.shift() }));
  }
  return out;
}

// keyword is the longest word of a line (2 to 6 letters), the likeliest to
// say what it is about.
function keyword(content) {
  const words = (content.match(/[\p{L}\p{N}]+/gu) || []).filter((w) => [...w].length >= 2 && [...w].length <= 6);
  return words.reduce((best, w) => ([...w].length > [...best].length ? w : best), '');
}

function shuffle(list) {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [list[i], list[j]] = [list[j], list[i]];
  }
  return list;
}
