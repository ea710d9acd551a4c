// Guest code: a CommonJS bundle run with the sandbox's globals (host, console, timers, …).
// Compiles WebAssembly while loading: not available in the sandbox.
const memory = new WebAssembly.Memory({ initial: 1 });
exports.activate = () => {
  host.commands.register('run', () => memory.buffer.byteLength);
};
