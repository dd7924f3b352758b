import type { NotifyDetail } from '@atrium/contracts';
import { label } from '../../lib/shell-labels.ts';

export interface ShownNotification extends NotifyDetail {
  readonly id: number;
}

/** The shell's own notification area: elements ask for it through `atrium:notify`, so no overlay leaks styles. */
export function Notifications({
  items,
  onDismiss,
}: {
  items: readonly ShownNotification[];
  onDismiss: (id: number) => void;
}) {
  return (
    <div className="notifications" role="status" aria-live="polite" aria-label={label('notifications')}>
      {items.map((item) => (
        <div key={item.id} className={`notification notification-${item.kind}`}>
          <span>{item.message}</span>
          <button
            type="button"
            className="icon-button"
            aria-label={label('dismissNotification')}
            onClick={() => onDismiss(item.id)}
          >
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
