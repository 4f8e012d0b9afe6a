// The "Tools" section of the settings panel: one checkbox per tool the server offers.
import type { ToolInfo } from '../api/tools';
import { effectiveTools, toggleTool, unavailableTools, type ToolSetting } from '../lib/tools';
import type { ToolsState } from '../state/useTools';

interface Props {
  list: ToolsState;
  setting: ToolSetting;
  onChange: (setting: ToolSetting) => void;
}

const id = (t: ToolInfo) => `tool-${t.name}`;

export function ToolSwitches({ list, setting, onChange }: Props) {
  const { tools, loading, error, retry } = list;
  const on = effectiveTools(setting, tools);
  const missing = unavailableTools(setting, tools);

  let body;
  if (loading) body = <p className="muted tools-note" aria-busy="true">Loading tools…</p>;
  else if (error) {
    body = (
      <div className="failure" role="alert">
        <span>{error}</span>
        <button type="button" className="btn sm" onClick={retry}>Retry</button>
      </div>
    );
  } else if (!tools.length) body = <p className="muted tools-note">This server offers no tools.</p>;
  else {
    body = (
      <ul className="tool-list">
        {tools.map((t) => (
          <li key={t.name} className="tool-switch">
            <input id={id(t)} type="checkbox" checked={on.has(t.name)} aria-describedby={t.description ? `${id(t)}-hint` : undefined}
              onChange={(e) => onChange(toggleTool(setting, tools, t.name, e.target.checked))} />
            <div>
              <label htmlFor={id(t)} className="tool-name">
                {t.name}
                {t.source === 'mcp' && <span className="badge" title={t.server ? `From the MCP server “${t.server}”` : 'From an MCP server'}>MCP</span>}
              </label>
              {t.description && <p id={`${id(t)}-hint`} className="tool-hint">{t.description}</p>}
            </div>
          </li>
        ))}
      </ul>
    );
  }

  return (
    <fieldset className="tools">
      <legend>Tools</legend>
      <div className="tools-head">
        <span className="muted" aria-live="polite">{setting == null ? 'Using the server defaults' : 'Custom selection'}</span>
        <button type="button" className="btn sm" disabled={setting == null} onClick={() => onChange(null)}>Reset to defaults</button>
      </div>
      {body}
      {!loading && !error && missing.length > 0 && (
        <p className="muted tools-note">Not available now, removed when you change the selection: {missing.join(', ')}</p>
      )}
    </fieldset>
  );
}
