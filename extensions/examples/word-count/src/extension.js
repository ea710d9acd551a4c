// Word Count: reads the user's files through host.fs (declared fs.read ~/Documents/**, so each
// read is decided by the user or a stored grant), and remembers the last folder in storage.
'use strict';

const TEXT = /\.(md|markdown|txt|text|rst|adoc)$/i;
const count = (text) => (text.match(/[\p{L}\p{N}']+/gu) ?? []).length;

exports.activate = () => {
  host.commands.register('word-count.count', async ({ folder }, call) => {
    if (typeof folder !== 'string' || folder === '') {
      throw Object.assign(new Error('choose a folder'), { code: 'EINVAL' });
    }
    const entries = (await host.fs.list(folder)).filter((e) => e.kind === 'file' && TEXT.test(e.name));
    const rows = [];
    for (const [i, e] of entries.entries()) {
      if (call.cancelled) break;
      call.progress(i / Math.max(1, entries.length), `Counting ${e.name}`);
      rows.push([e.name, count(await host.fs.readText(`${folder.replace(/\/+$/, '')}/${e.name}`))]);
    }
    await host.storage.set('lastFolder', folder);
    rows.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    return { type: 'table', columns: ['file', 'words'], rows };
  });

  host.commands.register('word-count.file', async ({ file }) => {
    const words = count(await host.fs.readText(file));
    return { type: 'text', text: `${words} words in ${file}` };
  });
};
