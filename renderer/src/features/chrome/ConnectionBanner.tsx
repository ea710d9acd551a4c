/** Says so when the headless bridge is down (the Electron preload is always connected). */
import { useAppStore } from '../../stores/app-store';

export function ConnectionBanner() {
  const connection = useAppStore((s) => s.connection);
  if (connection.state === 'open') return null;
  const text =
    connection.state === 'connecting'
      ? 'Connecting to Warden…'
      : `Not connected to Warden${connection.detail ? ` (${connection.detail})` : ''}; retrying.`;
  return (
    <div className="connection-banner" role="status" data-testid="connection-banner" data-state={connection.state}>
      {text}
    </div>
  );
}
