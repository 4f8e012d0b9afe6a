// Inline SVG icons (decorative: the buttons that hold them carry the labels).
import type { ReactElement } from 'react';

function icon(d: string | string[], viewBox = '0 0 24 24') {
  const paths = Array.isArray(d) ? d : [d];
  return function Icon({ size = 18 }: { size?: number }): ReactElement {
    return (
      <svg width={size} height={size} viewBox={viewBox} fill="none" stroke="currentColor" strokeWidth="2"
        strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
        {paths.map((p) => <path key={p} d={p} />)}
      </svg>
    );
  };
}

export const IconNew = icon(['M12 20h9', 'M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4Z']);
export const IconSidebar = icon(['M3 5h18v14H3z', 'M9 5v14']);
export const IconSearch = icon(['M11 19a8 8 0 1 0 0-16 8 8 0 0 0 0 16Z', 'm21 21-4.3-4.3']);
export const IconSend = icon(['M12 19V5', 'm5 12 7-7 7 7']);
export const IconStop = icon('M7 7h10v10H7z');
export const IconCopy = icon(['M9 9h11v11H9z', 'M5 15H4V4h11v1']);
export const IconCheck = icon('M20 6 9 17l-5-5');
export const IconEdit = icon(['M12 20h9', 'M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4Z']);
export const IconRegenerate = icon(['M21 12a9 9 0 1 1-3-6.7L21 8', 'M21 3v5h-5']);
export const IconChevronLeft = icon('m15 18-6-6 6-6');
export const IconChevronRight = icon('m9 18 6-6-6-6');
export const IconChevronDown = icon('m6 9 6 6 6-6');
export const IconTrash = icon(['M3 6h18', 'M8 6V4h8v2', 'M19 6l-1 14H6L5 6']);
export const IconRename = icon(['M4 20h4L19 9l-4-4L4 16z']);
export const IconPaperclip = icon('m21 11-8.5 8.5a5 5 0 0 1-7-7L14 4a3.5 3.5 0 0 1 5 5l-8.5 8.5a2 2 0 0 1-3-3L15 7');
export const IconSettings = icon(['M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6Z', 'M19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1Z']);
export const IconClose = icon(['M18 6 6 18', 'm6 6 12 12']);
export const IconArrowDown = icon(['M12 5v14', 'm19 12-7 7-7-7']);
export const IconTool = icon('M14.7 6.3a1 1 0 0 0 0 1.4l1.6 1.6a1 1 0 0 0 1.4 0l3.8-3.8a6 6 0 0 1-7.9 7.9l-6.9 6.9a2.1 2.1 0 0 1-3-3l6.9-6.9a6 6 0 0 1 7.9-7.9z');
export const IconEraser = icon(['M7 21h10', 'm5 11 9-9 7 7-9 9H7l-3-3z']);
export const IconDownload = icon(['M12 3v12', 'M7 10l5 5 5-5', 'M5 21h14']);
export const IconShare = icon(['M4 12v7a1 1 0 0 0 1 1h14a1 1 0 0 0 1-1v-7', 'M16 6l-4-4-4 4', 'M12 2v13']);
export const IconPin = icon(['M12 17v5', 'M9 10.8V4h6v6.8l3 3.2v2H6v-2z']);
export const IconFolder = icon('M3 6a1 1 0 0 1 1-1h5l2 2h9a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1z');
export const IconFolderPlus = icon(['M3 6a1 1 0 0 1 1-1h5l2 2h9a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1z', 'M12 11v5', 'M9.5 13.5h5']);
