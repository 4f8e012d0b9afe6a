// Administration (administrators only): users, every user's API keys, and the audit log, as tabs.
import { useState } from 'react';
import type { SessionUser } from '../api/auth';
import type { ModelInfo } from '../api/models';
import { AuditLogView } from './AuditDialog';
import { Dialog } from './Dialog';
import { KeysManager } from './KeysDialog';
import { Tabs } from './Tabs';
import { UsageView } from './UsageView';
import { UsersSection } from './UsersSection';

const TABS = [
  { id: 'users', label: 'Users' },
  { id: 'keys', label: 'API keys' },
  { id: 'usage', label: 'Usage' },
  { id: 'audit', label: 'Audit log' },
];

export function AdminDialog({ user, models, onClose }: { user: SessionUser; models: ModelInfo[]; onClose: () => void }) {
  const [tab, setTab] = useState('users');
  return (
    <Dialog title="Administration" onClose={onClose} wide>
      <Tabs label="Administration sections" tabs={TABS} active={tab} onChange={setTab} idPrefix="admin">
        {tab === 'users' && <UsersSection self={user.name} />}
        {tab === 'keys' && <KeysManager user={user} models={models} all />}
        {tab === 'usage' && <UsageView everyone />}
        {tab === 'audit' && <AuditLogView />}
      </Tabs>
    </Dialog>
  );
}
