import { renderJob, newJobSection } from './job-panel.js';
import { applyUpdate, modelOf, type Model, type State, type Update } from './model.js';

/**
 * The live console: the whole state arrives as a `state` event when the stream opens (and again on
 * each reconnection), then an `update` every second; each is drawn once.
 */
const jobsEl = document.getElementById('jobs');
const connection = document.getElementById('connection');
const clockEl = document.getElementById('clock');
let model: Model | undefined;

function sectionFor(root: HTMLElement, job: string): HTMLElement {
  for (const el of root.querySelectorAll<HTMLElement>('section.job')) if (el.dataset['job'] === job) return el;
  const section = newJobSection(job);
  root.querySelector('p.empty')?.remove();
  root.appendChild(section);
  return section;
}

function render(): void {
  if (model === undefined || jobsEl === null) return;
  for (const job of model.jobs.values()) renderJob(sectionFor(jobsEl, job.job), job, model);
  if (clockEl !== null)
    clockEl.textContent = `${new Date(model.nowMs).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  document.body.dataset['ticks'] = String(Number(document.body.dataset['ticks'] ?? '0') + 1);
}

function setConnection(text: string, cls: string): void {
  if (connection === null) return;
  connection.textContent = text;
  connection.className = cls;
}

// A page opened with `?token=…` (an endpoint behind a token) hands it on: EventSource sends no header.
const token = new URLSearchParams(window.location.search).get('token');
const live = new EventSource(token === null ? '/api/live' : `/api/live?token=${encodeURIComponent(token)}`);
live.addEventListener('open', () => setConnection('live', 'live'));
live.addEventListener('error', () => setConnection('connection lost, retrying…', 'lost'));
live.addEventListener('state', (e: MessageEvent<string>) => {
  model = modelOf(JSON.parse(e.data) as State);
  render();
});
live.addEventListener('update', (e: MessageEvent<string>) => {
  if (model === undefined) return;
  applyUpdate(model, JSON.parse(e.data) as Update);
  render();
});
