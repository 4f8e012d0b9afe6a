// Vitest runs without globals, so Testing Library's automatic cleanup is wired here.
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

afterEach(() => cleanup());
