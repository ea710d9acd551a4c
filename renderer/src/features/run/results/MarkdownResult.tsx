/**
 * A markdown result. react-markdown builds React elements from the markdown syntax tree; raw HTML
 * in the source is dropped (`skipHtml`), never parsed, so extension output cannot inject markup or
 * scripts. Links do not navigate: a click asks the user to confirm, then the host opens http(s)
 * URLs in the browser. Images are not loaded (a remote image would be a tracking request); their
 * alt text is shown instead, linked like any other link.
 */
import type { ReactNode } from 'react';
import Markdown, { type Components } from 'react-markdown';
import { useAppStore } from '../../../stores/app-store';

function ExternalLink({ href, children }: { href: string | undefined; children: ReactNode }) {
  const openExternal = useAppStore((s) => s.openExternal);
  return (
    <a
      href={href}
      className="ext-link"
      title={href}
      rel="noreferrer noopener"
      onClick={(e) => {
        e.preventDefault();
        if (href) void openExternal(href);
      }}
    >
      {children}
    </a>
  );
}

const components: Components = {
  a: ({ href, children }) => <ExternalLink href={href}>{children}</ExternalLink>,
  img: ({ src, alt }) => {
    const text = `[image${alt ? `: ${alt}` : ''}]`;
    return typeof src === 'string' && src ? <ExternalLink href={src}>{text}</ExternalLink> : <span>{text}</span>;
  },
};

export function MarkdownResult({ markdown }: { markdown: string }) {
  return (
    <div className="markdown-result" data-testid="result-markdown">
      <Markdown skipHtml components={components}>
        {markdown}
      </Markdown>
    </div>
  );
}
