// Text Tools: pure computation plus a history file in the private data folder (relative paths).
'use strict';
const { stats, transform, words } = require('./words');

const HISTORY = 'history.jsonl';

async function appendHistory(entry) {
  let previous = '';
  try {
    previous = await host.fs.readText(HISTORY);
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
  }
  const lines = (previous + JSON.stringify(entry) + '\n').split('\n').filter(Boolean).slice(-50);
  await host.fs.writeText(HISTORY, lines.join('\n') + '\n');
}

exports.activate = () => {
  host.commands.register('text.stats', ({ text }) => {
    const s = stats(String(text ?? ''));
    return { type: 'table', columns: ['measure', 'value'], rows: Object.entries(s) };
  });

  host.commands.register('text.transform', async ({ text, to }) => {
    const out = transform(String(text ?? ''), to);
    await appendHistory({ at: new Date().toISOString(), to, chars: out.length });
    return out;
  });

  host.commands.register('text.frequencies', ({ text, top = 10 }) => {
    const counts = new Map();
    for (const w of words(String(text ?? ''))) counts.set(w, (counts.get(w) ?? 0) + 1);
    const rows = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, top);
    return { type: 'table', columns: ['word', 'count'], rows };
  });

  host.commands.register('text.history', async () => {
    try {
      const lines = (await host.fs.readText(HISTORY)).split('\n').filter(Boolean);
      return { type: 'json', value: lines.map((l) => JSON.parse(l)) };
    } catch (err) {
      if (err.code === 'ENOENT') return 'No transformations yet.';
      throw err;
    }
  });

  host.commands.register('text.uuid', ({ count = 1 }) => {
    const n = Math.max(1, Math.min(100, Math.floor(count)));
    return { type: 'json', value: Array.from({ length: n }, () => crypto.randomUUID()) };
  });
};
