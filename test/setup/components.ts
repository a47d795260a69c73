import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

// recharts' ResponsiveContainer measures with ResizeObserver, which jsdom lacks.
class FixedSizeResizeObserver {
  constructor(private readonly callback: ResizeObserverCallback) {}
  observe(target: Element) {
    this.callback([{ target, contentRect: { width: 800, height: 300 } } as unknown as ResizeObserverEntry], this as unknown as ResizeObserver);
  }
  unobserve() {}
  disconnect() {}
}
globalThis.ResizeObserver ??= FixedSizeResizeObserver as unknown as typeof ResizeObserver;

afterEach(() => cleanup());
