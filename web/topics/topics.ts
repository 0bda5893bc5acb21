import { escapeHtml } from '../shared/escape.js';
import { getJson, type MessagePage, type TopicEntry } from './api.js';
import { messageTable, queryForm, topicList, type QueryState } from './render.js';

/**
 * The topic browser page: the topic list, then for the topic picked a form and a table of its
 * messages. The address's query (`?topic=…&partition=…&offset=…&reason=…`) opens a topic at once,
 * so a page can be linked to.
 */
let topics: readonly TopicEntry[] = [];
let current: TopicEntry | undefined;

function element(id: string): HTMLElement {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the page has no #${id}`);
  return found;
}

function value(id: string): string {
  const found = document.getElementById(id);
  return found instanceof HTMLInputElement || found instanceof HTMLSelectElement ? found.value.trim() : '';
}

function showError(where: HTMLElement, e: unknown): void {
  where.innerHTML = `<p class="error">${escapeHtml(e instanceof Error ? e.message : String(e))}</p>`;
}

async function loadTopics(): Promise<void> {
  const list = element('topics');
  try {
    topics = (await getJson<{ topics: TopicEntry[] }>('/api/topics')).topics;
  } catch (e) {
    showError(list, e);
    return;
  }
  list.innerHTML = topicList(topics, current?.name);
}

function openTopic(name: string, state: QueryState, load: boolean): void {
  const topic = topics.find((t) => t.name === name);
  if (topic === undefined) return;
  current = topic;
  element('topics').innerHTML = topicList(topics, name);
  element('browser').innerHTML = queryForm(topic, state);
  if (load) void loadMessages();
}

/** The form's query as `/api/messages` takes it. */
function query(topic: TopicEntry): Record<string, string> {
  const q: Record<string, string> = { topic: topic.name, partition: value('partition') };
  const from = value('from');
  if (from === 'offset') q['offset'] = value('offset');
  if (from === 'time') q['time'] = value('time');
  const limit = value('limit');
  if (limit !== '') q['limit'] = limit;
  const reason = value('reason');
  if (reason !== '') q['reason'] = reason;
  return q;
}

async function loadMessages(): Promise<void> {
  const topic = current;
  if (topic === undefined) return;
  const result = element('result');
  result.innerHTML = '<p class="note">reading…</p>';
  try {
    const page = await getJson<MessagePage>('/api/messages', query(topic));
    result.innerHTML = messageTable(page, topic.deadLetter);
  } catch (e) {
    showError(result, e);
  }
}

function initialState(params: URLSearchParams): QueryState {
  const offset = params.get('offset') ?? '';
  const time = params.get('time') ?? '';
  return {
    partition: Number(params.get('partition') ?? '0'),
    from: offset !== '' ? 'offset' : time !== '' ? 'time' : 'end',
    offset,
    time,
    limit: params.get('limit') ?? '50',
    reason: params.get('reason') ?? '',
  };
}

document.addEventListener('click', (event) => {
  const target = event.target instanceof Element ? event.target.closest('button') : null;
  if (target === null) return;
  const topic = target.getAttribute('data-topic');
  if (topic !== null) openTopic(topic, initialState(new URLSearchParams()), true);
  if (target.id === 'next') {
    const from = element('from');
    const offset = element('offset');
    if (from instanceof HTMLSelectElement) from.value = 'offset';
    if (offset instanceof HTMLInputElement) offset.value = target.getAttribute('data-offset') ?? '';
    void loadMessages();
  }
});

document.addEventListener('submit', (event) => {
  event.preventDefault();
  void loadMessages();
});

document.addEventListener('change', (event) => {
  // Typing an offset or a time picks it as the start.
  const id = event.target instanceof Element ? event.target.id : '';
  const from = document.getElementById('from');
  if ((id === 'offset' || id === 'time') && from instanceof HTMLSelectElement) from.value = id;
});

void loadTopics().then(() => {
  const params = new URLSearchParams(location.search);
  const topic = params.get('topic');
  if (topic !== null) openTopic(topic, initialState(params), true);
});
