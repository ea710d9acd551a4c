/** A command result, drawn by its type. */
import type { CommandResult } from '../../../../../electron/common/command-result';
import { JsonTree } from './JsonTree';
import { MarkdownResult } from './MarkdownResult';
import { TableResult } from './TableResult';

export function ResultView({ result }: { result: CommandResult }) {
  switch (result.type) {
    case 'text':
      return (
        <pre className="text-result" data-testid="result-text">
          {result.text || <span className="muted">(no output)</span>}
        </pre>
      );
    case 'markdown':
      return <MarkdownResult markdown={result.markdown} />;
    case 'table':
      return <TableResult columns={result.columns} rows={result.rows} />;
    case 'json':
      return <JsonTree value={result.value} />;
  }
}
