// Guest code: a CommonJS bundle run with the sandbox's globals (host, console, timers, …).
// A tagged template receives its raw text, so "<!--" inside it cannot be respelled.
const marker = String.raw`<!-- marker -->`;
exports.activate = () => {
  host.commands.register('run', () => marker);
};
