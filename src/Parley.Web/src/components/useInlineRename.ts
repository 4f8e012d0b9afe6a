// Inline rename of a sidebar label (a conversation's title, a folder's name): Enter or leaving the field saves a
// changed, non-empty value; Escape puts the saved one back without closing anything around the field.
import { useEffect, useRef, useState, type ChangeEvent, type KeyboardEvent } from 'react';

export function useInlineRename(saved: string, onSave: (value: string) => void) {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(saved);
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (editing) ref.current?.select();
  }, [editing]);

  const save = () => {
    setEditing(false);
    const trimmed = value.trim();
    if (trimmed && trimmed !== saved) onSave(trimmed);
    else setValue(saved);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') save();
    if (e.key === 'Escape') {
      e.stopPropagation();
      setValue(saved);
      setEditing(false);
    }
  };

  return {
    editing,
    start: () => {
      setValue(saved);
      setEditing(true);
    },
    field: { ref, value, onChange: (e: ChangeEvent<HTMLInputElement>) => setValue(e.target.value), onBlur: save, onKeyDown },
  };
}
