// Guest code: a CommonJS bundle run with the sandbox's globals (host, console, timers, …).
// Reads Node's `process` while loading: extensions have no Node.js APIs.
const debug = process.env.DEBUG === '1';
exports.activate = () => {
  host.commands.register('run', () => debug);
};
