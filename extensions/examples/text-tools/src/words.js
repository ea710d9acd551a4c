// Pure text helpers, bundled into the extension by `warden build`.
'use strict';

exports.words = (text) => text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];

exports.stats = (text) => {
  const words = exports.words(text);
  const sentences = text.split(/[.!?]+(?:\s|$)/).filter((s) => s.trim()).length;
  return {
    characters: [...text].length,
    words: words.length,
    lines: text === '' ? 0 : text.split('\n').length,
    sentences,
    uniqueWords: new Set(words).size,
    averageWordLength: words.length ? +(words.join('').length / words.length).toFixed(2) : 0,
  };
};

exports.transform = (text, to) => {
  switch (to) {
    case 'upper':
      return text.toUpperCase();
    case 'lower':
      return text.toLowerCase();
    case 'title':
      return text.replace(/\p{L}[\p{L}']*/gu, (w) => w[0].toUpperCase() + w.slice(1).toLowerCase());
    case 'slug':
      return text
        .normalize('NFKD')
        .replace(/[\u0300-\u036f]/g, '')
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '');
    case 'reverse':
      return [...text].reverse().join('');
    case 'base64':
      return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
    default:
      throw Object.assign(new Error(`unknown transformation "${to}"`), { code: 'EINVAL' });
  }
};
