/** One line of text that ends in "…" when too long, with the whole text as a tooltip. */
import type { ReactNode } from 'react';

export function Ellipsis({ text, className, children }: { text: string; className?: string; children?: ReactNode }) {
  return (
    <span className={`ellipsis${className ? ` ${className}` : ''}`} title={text}>
      {children ?? text}
    </span>
  );
}
