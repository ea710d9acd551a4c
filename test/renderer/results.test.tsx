import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../renderer/src/app';
import { JsonTree } from '../../renderer/src/features/run/results/JsonTree';
import { MarkdownResult } from '../../renderer/src/features/run/results/MarkdownResult';
import { TableResult } from '../../renderer/src/features/run/results/TableResult';
import { sortRows } from '../../renderer/src/lib/sort-rows';
import { FakeBridge } from './fake-bridge';
import { settle, startStore } from './helpers';

afterEach(cleanup);

const column = (i: number) => screen.getAllByTestId('result-row').map((tr) => tr.children[i]!.textContent);

describe('table result', () => {
  it('sorts rows naturally, nulls last either way, stable', () => {
    const rows = [
      ['b10', 3],
      ['b2', null],
      ['a', 1],
      [null, 2],
    ] as (string | number | null)[][];
    expect(sortRows(rows, 0, 'asc').map((r) => r[0])).toEqual(['a', 'b2', 'b10', null]);
    expect(sortRows(rows, 0, 'desc').map((r) => r[0])).toEqual(['b10', 'b2', 'a', null]);
    expect(sortRows(rows, 1, 'asc').map((r) => r[1])).toEqual([1, 2, 3, null]);
  });

  it('sorts by a clicked header, and reverses on a second click', () => {
    render(
      <TableResult
        columns={['file', 'words']}
        rows={[
          ['notes.md', 120],
          ['a.md', 7],
          ['z.md', 1000],
        ]}
      />,
    );
    expect(column(0)).toEqual(['notes.md', 'a.md', 'z.md']);
    fireEvent.click(screen.getByTestId('result-sort-1'));
    expect(column(1)).toEqual(['7', '120', '1000']);
    expect(screen.getAllByRole('columnheader')[1]!.getAttribute('aria-sort')).toBe('ascending');
    fireEvent.click(screen.getByTestId('result-sort-1'));
    expect(column(1)).toEqual(['1000', '120', '7']);
    fireEvent.click(screen.getByTestId('result-sort-0'));
    expect(column(0)).toEqual(['a.md', 'notes.md', 'z.md']);
  });
});

describe('json result', () => {
  it('is a collapsible tree', () => {
    render(<JsonTree value={{ a: 1, nested: { deep: { deeper: 'x' } }, list: [true, null] }} />);
    const tree = screen.getByTestId('json-tree');
    expect(tree.textContent).toMatch(/a: 1/);
    expect(tree.textContent).not.toMatch(/deeper/);
    const toggles = screen.getAllByTestId('json-toggle');
    const deep = toggles.find((t) => t.textContent?.startsWith('▸deep'))!;
    fireEvent.click(deep);
    expect(tree.textContent).toMatch(/deeper: "x"/);
    fireEvent.click(toggles[0]!);
    expect(tree.textContent).not.toMatch(/a: 1/);
  });
});

describe('markdown result', () => {
  let bridge: FakeBridge;
  beforeEach(async () => {
    bridge = await startStore(new FakeBridge().handle('app.openExternal', () => ({ opened: true })));
  });

  async function renderMarkdown(md: string) {
    await act(async () => {
      render(
        <>
          <MarkdownResult markdown={md} />
          <App />
        </>,
      );
    });
  }

  it('renders markdown but never raw HTML', async () => {
    await renderMarkdown(
      '# Title\n\n**bold** <b>raw</b> <img src=x onerror="alert(1)">\n\n<script>alert(1)</script>\n\n<div onclick="x()">div</div>',
    );
    const md = screen.getByTestId('result-markdown');
    expect(md.querySelector('h1')?.textContent).toBe('Title');
    expect(md.querySelector('strong')?.textContent).toBe('bold');
    expect(md.querySelector('b, img, script, div[onclick]')).toBeNull();
    expect(md.innerHTML).not.toMatch(/onerror|<script/);
  });

  it('opens a link only after the in-app confirm', async () => {
    await renderMarkdown('See [the docs](https://example.com/docs).');
    const link = within(screen.getByTestId('result-markdown')).getByText('the docs');
    await act(async () => {
      fireEvent.click(link);
    });
    const dialog = screen.getByTestId('confirm-dialog');
    expect(screen.getByTestId('confirm-detail').textContent).toBe('https://example.com/docs');
    expect(document.activeElement).toBe(screen.getByTestId('confirm-cancel'));
    expect(bridge.callsOf('app.openExternal')).toEqual([]);
    await act(async () => {
      fireEvent.click(within(dialog).getByTestId('confirm-ok'));
      await settle();
    });
    expect(bridge.callsOf('app.openExternal')).toEqual([{ url: 'https://example.com/docs' }]);
  });

  it('does nothing when the confirm is cancelled (Esc), and refuses non-web links', async () => {
    await renderMarkdown('[a](https://example.com/a) [b](javascript:alert(1)) [c](file:///etc/passwd)');
    await act(async () => {
      fireEvent.click(screen.getByText('a'));
    });
    await act(async () => {
      fireEvent.keyDown(screen.getByTestId('confirm-dialog'), { key: 'Escape' });
      await settle();
    });
    expect(screen.queryByTestId('confirm-dialog')).toBeNull();
    await act(async () => {
      fireEvent.click(screen.getByText('b'));
      fireEvent.click(screen.getByText('c'));
      await settle();
    });
    expect(screen.queryByTestId('confirm-dialog')).toBeNull();
    expect(bridge.callsOf('app.openExternal')).toEqual([]);
  });

  it('does not load images', async () => {
    await renderMarkdown('![tracker](https://evil.example/pixel.png)');
    expect(screen.getByTestId('result-markdown').querySelector('img')).toBeNull();
    expect(screen.getByText('[image: tracker]')).toBeTruthy();
  });
});
