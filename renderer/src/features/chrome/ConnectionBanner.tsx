/** Says so when the headless bridge is down (the Electron preload is always connected), and what to do. */
import { useAppStore } from '../../stores/app-store';
import type { ConnectionStatus } from '../../bridge';

const NEW_ADDRESS =
  'Open the address Warden printed when it started (the terminal running `npm start` or `warden serve`); ' +
  'start it again there if it is not running.';

function bannerText(c: ConnectionStatus): { title: string; help?: string } {
  if (c.cause === 'token') {
    return {
      title: 'This tab is no longer connected to Warden: Warden was restarted, and this address has expired.',
      help: NEW_ADDRESS,
    };
  }
  if (c.cause === 'unreachable') {
    return { title: 'Warden is not running at this address. Retrying…', help: NEW_ADDRESS };
  }
  if (c.state === 'connecting') return { title: 'Connecting to Warden…' };
  return { title: `Not connected to Warden${c.detail ? ` (${c.detail})` : ''}. Retrying…` };
}

export function ConnectionBanner() {
  const connection = useAppStore((s) => s.connection);
  if (connection.state === 'open') return null;
  const { title, help } = bannerText(connection);
  return (
    <div
      className={`connection-banner${connection.cause ? ' connection-lost' : ''}`}
      role={connection.cause ? 'alert' : 'status'}
      data-testid="connection-banner"
      data-state={connection.state}
      data-cause={connection.cause}
    >
      <strong>{title}</strong>
      {help && <span> {help}</span>}
    </div>
  );
}
