/** Splits a byte stream into lines, cutting any line longer than `maxLine` (bounded memory). */
export function createLineReader(maxLine: number, onLine: (line: string) => void): (chunk: Buffer) => void {
  let pending = '';
  return (chunk) => {
    const parts = (pending + chunk.toString('utf8')).split('\n');
    pending = parts.pop() ?? '';
    if (pending.length > maxLine) {
      onLine(`${pending.slice(0, maxLine)}…`);
      pending = '';
    }
    for (const line of parts) if (line.length > 0) onLine(line.length > maxLine ? `${line.slice(0, maxLine)}…` : line);
  };
}
