// The board's public list: approved quotes found by GET /api/quotes/search,
// with the query, the speaker, the episode and the order kept in the
// address (#/quotes?q=…&speaker=…), so a search can be shared.

import { request, ApiError } from '../../api.js';
import { t } from '../../i18n.js';
import { h, replace, icon, icons } from '../../dom.js';
import { currentRoute, replaceQuery } from '../../route.js';
import { quoteFigure } from './form.js';

const PER_PAGE = 20;
const TYPING_PAUSE = 200; // ms after the last key before searching

/** searchList fills panel with the search form and its results; it returns {destroy}. */
export function searchList(panel) {
  const params = currentRoute().params;
  const state = {
    q: params.get('q') || '',
    speaker: params.get('speaker') || '',
    episode: params.get('episode') || '',
    sort: params.get('sort') || '',
  };
  let page = 1;
  let seq = 0; // answers to an older search are dropped
  let timer = null;
  let controller = null;

  const q = h('input', {
    type: 'search', name: 'q', id: 'board-q', '.value': state.q, maxlength: 200,
    placeholder: t('search.placeholder'), autocomplete: 'off', enterkeyhint: 'search',
  });
  const speaker = h('select', { name: 'speaker', id: 'board-speaker' });
  const episode = h('input', {
    type: 'number', name: 'episode', id: 'board-episode', min: 1, inputmode: 'numeric',
    '.value': state.episode, placeholder: t('search.anyEpisode'),
  });
  const sort = h('select', { name: 'sort', id: 'board-sort' },
    ['relevance', 'newest', 'episode'].map((s) => h('option', { value: s }, t(`search.sort.${s}`))));
  const form = h('form', { class: 'board-search', role: 'search', 'aria-label': t('search.label') },
    h('div', { class: 'search-box' },
      h('label', { for: 'board-q', class: 'sr-only' }, t('search.label')),
      icon(icons.search, { size: 18 }), q),
    h('div', { class: 'filters' },
      h('div', { class: 'filter' }, h('label', { for: 'board-speaker' }, t('quotes.speaker')), speaker),
      h('div', { class: 'filter' }, h('label', { for: 'board-episode' }, t('quotes.episode')), episode),
      h('div', { class: 'filter' }, h('label', { for: 'board-sort' }, t('search.sort')), sort)));
  const count = h('p', { class: 'result-count', role: 'status' });
  const ul = h('ul', { class: 'quote-list' });
  const more = h('button', { type: 'button', class: 'btn ghost', hidden: true }, t('common.loadMore'));
  replace(panel, form, count, ul, more);

  const paintSpeakers = (speakers) => {
    const names = speakers.map((s) => s.name);
    if (state.speaker && !names.includes(state.speaker)) speakers = [{ name: state.speaker, count: 0 }, ...speakers];
    replace(speaker,
      h('option', { value: '' }, t('search.anySpeaker')),
      speakers.map((s) => h('option', { value: s.name }, `${s.name} (${s.count})`)));
    speaker.value = state.speaker;
  };
  const paintSort = () => { sort.value = state.sort || (state.q.trim() ? 'relevance' : 'newest'); };

  async function load(append) {
    const mine = ++seq;
    if (controller) controller.abort();
    controller = new AbortController();
    const query = new URLSearchParams({ page: String(page), perPage: String(PER_PAGE) });
    for (const k of ['q', 'speaker', 'episode', 'sort']) if (state[k].trim()) query.set(k, state[k].trim());
    more.disabled = true;
    if (!append) count.textContent = t('common.loading');
    try {
      const { data } = await request(`/api/quotes/search?${query}`, { signal: controller.signal });
      if (mine !== seq) return;
      paintSpeakers(data.speakers || []);
      if (!append) ul.replaceChildren();
      for (const rec of data.items) ul.append(h('li', { class: 'quote-item', dataset: { id: rec.id } }, quoteFigure(rec, { link: true })));
      count.textContent = data.totalItems ? t('search.count', { n: data.totalItems }) : emptyText();
      count.classList.toggle('empty-list', !data.totalItems);
      more.hidden = data.page >= data.totalPages;
    } catch (err) {
      if (mine !== seq || (err && err.name === 'AbortError')) return;
      count.textContent = err instanceof ApiError ? badParam(err) : t('common.offline');
    } finally {
      if (mine === seq) more.disabled = false;
    }
  }

  function emptyText() {
    if (state.q.trim()) return t('search.none', { q: state.q.trim() });
    if (state.speaker || state.episode) return t('search.noneFiltered');
    return t('quotes.empty.approved');
  }

  function badParam(err) {
    const name = Object.keys(err.data)[0];
    return name === 'episode' ? t('v.number') : err.message;
  }

  // search runs a new search from page 1 and writes it into the address
  function search() {
    clearTimeout(timer);
    page = 1;
    replaceQuery(state);
    paintSort();
    load(false);
  }

  q.addEventListener('input', () => {
    state.q = q.value;
    clearTimeout(timer);
    timer = setTimeout(search, TYPING_PAUSE);
  });
  speaker.addEventListener('change', () => { state.speaker = speaker.value; search(); });
  episode.addEventListener('input', () => {
    const v = episode.value.trim();
    if (v && !(Number.isInteger(Number(v)) && Number(v) >= 1)) return;
    state.episode = v;
    clearTimeout(timer);
    timer = setTimeout(search, TYPING_PAUSE);
  });
  sort.addEventListener('change', () => { state.sort = sort.value; search(); });
  form.addEventListener('submit', (e) => { e.preventDefault(); search(); });
  more.addEventListener('click', () => { page += 1; load(true); });

  paintSpeakers([]);
  paintSort();
  load(false);
  return {
    focus: () => q.focus(),
    destroy() {
      seq++;
      clearTimeout(timer);
      if (controller) controller.abort();
    },
  };
}
