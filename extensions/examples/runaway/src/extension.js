// Runaway: an extension that misbehaves on purpose, so the host's limits can be seen at work.
'use strict';

exports.activate = () => {
  // Blocks the event loop: no heartbeat reaches the host, which kills the process.
  host.commands.register('runaway.spin', () => {
    for (;;) {
      // spin
    }
  });

  // ArrayBuffer memory is not bounded by the heap cap; the host's RSS governor kills it.
  host.commands.register('runaway.balloon', async (_args, call) => {
    const kept = [];
    for (let i = 0; ; i++) {
      kept.push(new Uint8Array(16 * 1024 * 1024).fill(1));
      call.progress(null, `${(i + 1) * 16} MiB`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });

  // Stays responsive (yields between slices) but uses far more CPU than its 25% budget:
  // the host warns, throttles it, and kills it if it keeps going.
  host.commands.register('runaway.burn', async ({ seconds = 60 }, call) => {
    const end = Date.now() + seconds * 1000;
    while (Date.now() < end && !call.cancelled) {
      const slice = Date.now() + 50;
      while (Date.now() < slice) {
        // burn
      }
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    return `burned for ${seconds} s`;
  });

  host.commands.register('runaway.ok', () => 'still here');
};
