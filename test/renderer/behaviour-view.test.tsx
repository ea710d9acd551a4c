// The Behaviour view: findings from `anomalies.list`, "This is expected" through
// `anomalies.accept`, the incident from `anomalies.incident` with its Markdown/JSON export, and
// the list following new `anomaly` records from the audit feed.
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FindingData } from '../../electron/common/bridge/schemas';
import { incidentJson } from '../../renderer/src/features/behaviour/IncidentView';
import { FakeBridge } from './fake-bridge';
import { extension, finding, incident, record } from './fixtures';
import { renderApp, settle, store } from './helpers';

afterEach(cleanup);

async function openBehaviour() {
  await act(async () => {
    fireEvent.click(screen.getByTestId('nav-behaviour'));
    await settle();
  });
}

function hostWith(findings: FindingData[]) {
  let list = findings;
  const bridge = new FakeBridge()
    .handle('extensions.list', () => [extension({ id: 'acme.sync', name: 'Acme Sync', version: '1.0.0' })])
    .handle('anomalies.list', ({ all }) => ({
      enabled: true,
      findings: list.filter((f) => all || f.state === 'open'),
    }))
    .handle('anomalies.accept', ({ findingId }) => {
      list = list.map((f) => (f.id === findingId ? { ...f, state: 'accepted' as const } : f));
      return { finding: list.find((f) => f.id === findingId)!, released: true };
    })
    .handle('anomalies.incident', ({ findingId }) => incident(list.find((f) => f.id === findingId)));
  return { bridge, add: (f: FindingData) => (list = [...list, f]) };
}

describe('behaviour view', () => {
  it('lists open findings by extension name with plain words, and counts them in the sidebar', async () => {
    const { bridge } = hostWith([finding(), finding({ id: 'f0', state: 'accepted', why: 'old thing' })]);
    await renderApp(bridge);
    expect(screen.getByTestId('nav-behaviour').textContent).toBe('Behaviour1');
    await openBehaviour();
    const row = screen.getByTestId('finding-f1');
    expect(row.textContent).toContain('Acme Sync');
    expect(row.textContent).toContain('New destination');
    expect(row.textContent).toContain('after an update');
    expect(row.textContent).toContain('5 min ago');
    expect(within(row).getByTestId('finding-response').textContent).toBe(
      'stopped and quarantined; rolled back to 1.0.0',
    );
    expect(screen.queryByTestId('finding-f0')).toBeNull();
    // The buttons name what they act on for screen readers.
    expect(screen.getByTestId('finding-accept-f1').getAttribute('aria-label')).toBe(
      'This is expected of Acme Sync: new destination',
    );

    await act(async () => {
      fireEvent.click(screen.getByTestId('findings-show-accepted'));
      await settle();
    });
    expect(bridge.callsOf('anomalies.list').at(-1)).toEqual({ all: true });
    expect(screen.getByTestId('finding-f0').dataset.state).toBe('accepted');
    expect(screen.queryByTestId('finding-accept-f0')).toBeNull();
  });

  it('"This is expected" folds the finding into the baseline and says a quarantine was lifted', async () => {
    const { bridge } = hostWith([finding()]);
    await renderApp(bridge);
    await openBehaviour();
    await act(async () => {
      fireEvent.click(screen.getByTestId('finding-accept-f1'));
      await settle();
    });
    expect(bridge.callsOf('anomalies.accept')).toEqual([{ findingId: 'f1' }]);
    expect(screen.queryByTestId('finding-f1')).toBeNull();
    expect(screen.getByTestId('findings-empty').textContent).toBe('Nothing unusual to review.');
    expect(store().notices.at(-1)?.text).toBe(
      'Acme Sync: this behaviour is now part of its baseline; released from quarantine.',
    );
    expect(screen.getByTestId('nav-behaviour').textContent).toBe('Behaviour');
  });

  it('opens the incident: commands, versions, destinations and the timeline; exports Markdown and JSON', async () => {
    const { bridge } = hostWith([finding()]);
    await renderApp(bridge);
    await openBehaviour();
    await act(async () => {
      fireEvent.click(screen.getByTestId('finding-details-f1'));
      await settle();
    });
    expect(bridge.callsOf('anomalies.incident')).toEqual([{ findingId: 'f1' }]);
    const view = screen.getByTestId('incident');
    expect(within(view).getByRole('heading', { level: 2 }).textContent).toBe('Incident: Acme Sync 2.0.0');
    expect(document.activeElement?.id).toBe('incident-title');
    expect(within(view).getByTestId('incident-commands').textContent).toBe('sync.run');
    expect(within(view).getByTestId('incident-versions').textContent).toBe('2.0.0');
    expect(view.textContent).toContain('collector.example.net');
    const rows = within(within(view).getByTestId('incident-timeline')).getAllByRole('row');
    expect(rows.slice(1).map((r) => r.dataset.kind)).toEqual(['command', 'operation']);
    expect(rows[1]!.textContent).toContain('ran sync.run (2.0.0)');

    const saved: Array<{ name: string; type: string; text: Promise<string> }> = [];
    const create = vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      const blob = b as Blob;
      saved.push({ name: '', type: blob.type, text: blob.text() });
      return 'blob:test';
    });
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.at(-1)!.name = this.download;
    });
    try {
      fireEvent.click(within(view).getByTestId('incident-export-md'));
      fireEvent.click(within(view).getByTestId('incident-export-json'));
    } finally {
      create.mockRestore();
      click.mockRestore();
    }
    expect(saved.map((s) => [s.name, s.type])).toEqual([
      ['incident-acme.sync-2.0.0-f1.md', 'text/markdown'],
      ['incident-acme.sync-2.0.0-f1.json', 'application/json'],
    ]);
    expect(await saved[0]!.text).toBe('# Incident: acme.sync 2.0.0\n');
    const json = JSON.parse(await saved[1]!.text);
    expect(json).toEqual(JSON.parse(incidentJson(store().incident!)));
    expect(json.markdown).toBeUndefined();
    expect(json.summary.destinations[0].host).toBe('collector.example.net');

    await act(async () => {
      fireEvent.click(within(view).getByTestId('incident-accept'));
      await settle();
    });
    expect(bridge.callsOf('anomalies.accept')).toEqual([{ findingId: 'f1' }]);
    expect(screen.queryByTestId('incident-accept')).toBeNull();
    fireEvent.click(screen.getByTestId('incident-close'));
    expect(screen.queryByTestId('incident')).toBeNull();
  });

  it('reloads the list when the audit feed reports an anomaly, and says when baselines are off', async () => {
    const { bridge, add } = hostWith([]);
    await renderApp(bridge);
    await openBehaviour();
    expect(screen.getByTestId('findings-empty')).toBeTruthy();
    add(finding({ id: 'f9', severity: 'medium', response: 'reask', afterUpdate: false, rollbackTo: undefined }));
    const before = bridge.callsOf('anomalies.list').length;
    await act(async () => {
      bridge.emit('activity.record', record({ kind: 'operation' }));
      await settle();
    });
    expect(bridge.callsOf('anomalies.list').length).toBe(before);
    await act(async () => {
      bridge.emit('activity.record', record({ kind: 'anomaly', reason: 'new-host (medium)', decision: undefined }));
      await settle();
    });
    expect(screen.getByTestId('finding-f9').textContent).toContain('asks you again');

    bridge.handle('anomalies.list', () => ({ enabled: false, findings: [] }));
    await act(async () => {
      await store().loadAnomalies();
    });
    expect(screen.getByTestId('behaviour-off').textContent).toMatch(/turned off by the admin policy/);
  });
});
