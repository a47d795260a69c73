import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

/** Where and how big the main window was when it last closed; restored on the next start. */
const windowStateSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().min(200).max(20_000),
  height: z.number().int().min(150).max(20_000),
  maximized: z.boolean().default(false),
});
export type WindowState = z.infer<typeof windowStateSchema>;

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const DEFAULT_SIZE = { width: 1280, height: 800 } as const;

/** A window this much inside a display can still be grabbed by its title bar and moved. */
const MIN_VISIBLE = { width: 120, height: 40 };

/** The saved state, or null when there is none or the file is damaged (then the default size). */
export function loadWindowState(file: string): WindowState | null {
  try {
    const parsed = windowStateSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function saveWindowState(file: string, state: WindowState): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state)}\n`);
  renameSync(temporary, file);
}

/**
 * The saved bounds if the window's top edge is on one of today's displays' work areas (a
 * monitor unplugged since, or a smaller resolution, would put it off screen); otherwise null,
 * and the window opens at the default size, centred by the OS.
 */
export function visibleBounds(saved: WindowState | null, workAreas: readonly Rectangle[]): Rectangle | null {
  if (!saved) return null;
  const titleBar = { x: saved.x, y: saved.y, width: saved.width, height: MIN_VISIBLE.height };
  const onScreen = workAreas.some((area) => {
    const width = Math.min(titleBar.x + titleBar.width, area.x + area.width) - Math.max(titleBar.x, area.x);
    const height = Math.min(titleBar.y + titleBar.height, area.y + area.height) - Math.max(titleBar.y, area.y);
    return width >= MIN_VISIBLE.width && height >= MIN_VISIBLE.height;
  });
  if (!onScreen) return null;
  return { x: saved.x, y: saved.y, width: saved.width, height: saved.height };
}
