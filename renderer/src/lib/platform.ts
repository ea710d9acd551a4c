/** What the keyboard shortcut for the palette is called on this platform. */
const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

export const PALETTE_SHORTCUT = isMac ? '⌘K' : 'Ctrl+K';
export const RUN_SHORTCUT = isMac ? '⌘↩' : 'Ctrl+Enter';
