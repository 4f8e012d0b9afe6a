// Settings: General (theme and new-chat defaults) and Data (own retention, delete everything), as tabs.
import { useState } from 'react';
import type { ModelInfo } from '../api/models';
import type { PreferencesState } from '../state/usePreferences';
import { DeleteAllSection, RetentionSection } from './DataDialog';
import { Dialog } from './Dialog';
import { PreferencesForm } from './PreferencesForm';
import { ShareLinks } from './ShareLinks';
import { Tabs } from './Tabs';

interface Props {
  preferences: PreferencesState;
  models: ModelInfo[];
  serverDefault: string;
  onClose: () => void;
}

const TABS = [
  { id: 'general', label: 'General' },
  { id: 'data', label: 'Data controls' },
  { id: 'links', label: 'Shared links' },
];

export function SettingsDialog({ preferences, models, serverDefault, onClose }: Props) {
  const [tab, setTab] = useState('general');
  return (
    <Dialog title="Settings" onClose={onClose}>
      <Tabs label="Settings sections" tabs={TABS} active={tab} onChange={setTab} idPrefix="settings">
        {tab === 'general' ? (
          preferences.loaded ? (
            <PreferencesForm prefs={preferences.prefs} models={models} serverDefault={serverDefault} onSave={preferences.save} />
          ) : <p className="muted" aria-busy="true">Loading…</p>
        ) : tab === 'data' ? (
          <>
            <RetentionSection />
            <DeleteAllSection />
          </>
        ) : <ShareLinks />}
      </Tabs>
    </Dialog>
  );
}
