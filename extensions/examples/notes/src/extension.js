// Notes: a small, real extension that keeps notes in host.storage (private, persisted, quota).
'use strict';

const INDEX_KEY = 'notes';

async function loadNotes() {
  return (await host.storage.get(INDEX_KEY)) ?? { nextId: 1, items: [] };
}

function parseTags(text) {
  return String(text ?? '')
    .split(',')
    .map((t) => t.trim().replace(/^#/, '').toLowerCase())
    .filter(Boolean);
}

function asTable(items) {
  return {
    type: 'table',
    columns: ['#', 'note', 'tags', 'created'],
    rows: items.map((n) => [n.id, n.text, n.tags.map((t) => `#${t}`).join(' '), n.created]),
  };
}

exports.activate = async () => {
  host.commands.register('notes.add', async ({ text, tags }) => {
    if (typeof text !== 'string' || text.trim() === '') {
      throw Object.assign(new Error('a note needs some text'), { code: 'EINVAL' });
    }
    const notes = await loadNotes();
    const note = { id: notes.nextId++, text: text.trim(), tags: parseTags(tags), created: new Date().toISOString() };
    notes.items.push(note);
    await host.storage.set(INDEX_KEY, notes);
    console.log(`added note ${note.id}`);
    return { type: 'text', text: `Added note #${note.id} (${notes.items.length} in total)` };
  });

  host.commands.register('notes.list', async () => asTable((await loadNotes()).items));

  host.commands.register('notes.search', async ({ query }) => {
    const q = String(query ?? '')
      .trim()
      .toLowerCase();
    const { items } = await loadNotes();
    const hits = q.startsWith('#')
      ? items.filter((n) => n.tags.includes(q.slice(1)))
      : items.filter((n) => n.text.toLowerCase().includes(q));
    return asTable(hits);
  });

  host.commands.register('notes.remove', async ({ id }) => {
    const notes = await loadNotes();
    const before = notes.items.length;
    notes.items = notes.items.filter((n) => n.id !== id);
    if (notes.items.length === before) {
      throw Object.assign(new Error(`there is no note #${id}`), { code: 'ENOENT' });
    }
    await host.storage.set(INDEX_KEY, notes);
    return `Removed note #${id}`;
  });

  host.commands.register('notes.export', async (_args, call) => {
    const { items } = await loadNotes();
    call.progress(0.5, 'Writing notes.md');
    const md = [
      '# Notes',
      '',
      ...items.map((n) => `- ${n.text}${n.tags.length ? ` (${n.tags.map((t) => `#${t}`).join(' ')})` : ''}`),
    ];
    await host.fs.mkdir('exports', { recursive: true });
    await host.fs.writeText('exports/notes.md', md.join('\n') + '\n');
    const stat = await host.fs.stat('exports/notes.md');
    return {
      type: 'markdown',
      markdown: `Exported ${items.length} notes to \`exports/notes.md\` (${stat.size} bytes).`,
    };
  });
};

exports.deactivate = async () => {};
