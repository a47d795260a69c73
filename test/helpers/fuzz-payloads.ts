import type { z } from 'zod';

// The simulator's seeded generator: the same seed gives the same payloads, so a failure reproduces.
export { seededRandom } from '../../src/core/simulator/random.js';

export class Fuzz {
  constructor(readonly random: () => number, private readonly hints: Record<string, (fuzz: Fuzz) => unknown> = {}) {}

  chance(p: number): boolean {
    return this.random() < p;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  /** Any JSON value: wrong types, odd numbers, huge or hostile strings, nested junk, prototype keys. */
  junk(depth = 0): unknown {
    const roll = this.random();
    if (depth > 4 || roll < 0.1) return this.pick([null, true, false, 0, -0, -1, 1.5, 2 ** 53 + 2, -(2 ** 63), 1e308, Number.MIN_VALUE]);
    if (roll < 0.2) return this.int(-1_000_000, 3_000_000_000);
    if (roll < 0.5) return this.junkString();
    if (roll < 0.53) return { $date: this.pick(['2024-01-01T00:00:00Z', 'yesterday', '', '9999-99-99']) };
    if (roll < 0.51) return deepArray(this.int(50, 1000));
    if (roll < 0.75) return Array.from({ length: this.int(0, 6) }, () => this.junk(depth + 1));
    const object: Record<string, unknown> = {};
    for (let i = this.int(0, 6); i > 0; i -= 1) setOwn(object, this.junkKey(), this.junk(depth + 1));
    return object;
  }

  junkKey(): string {
    return this.chance(0.4) ? this.pick(PROTO_KEYS) : this.chance(0.5) ? this.junkString(12) : this.pick(FIELD_NAMES);
  }

  junkString(maxLength = 40): string {
    const roll = this.random();
    // a rare huge string: big enough to matter, small enough to keep 35k payloads quick
    if (roll < 0.001) return 'x'.repeat(this.int(100_000, 1_000_000));
    if (roll < 0.25) return this.pick(HOSTILE_STRINGS);
    const length = this.int(0, maxLength);
    let text = '';
    for (let i = 0; i < length; i += 1) text += this.chance(0.85) ? String.fromCharCode(this.int(32, 126)) : String.fromCodePoint(this.int(0, 0x1f64f));
    return text;
  }

  /** A value the schema probably accepts (bounds are honoured roughly); `key` lets hints steer fields. */
  fromSchema(schema: z.ZodType, key?: string): unknown {
    const hint = key === undefined ? undefined : this.hints[key];
    const def = defOf(schema);
    if (hint && def.type !== 'object') return hint(this);
    switch (def.type) {
      case 'object': {
        const object: Record<string, unknown> = {};
        for (const [field, inner] of Object.entries(def.shape ?? {})) {
          const kind = defOf(inner).type;
          const always = field in this.hints;
          if (!always && kind === 'optional' && this.chance(0.4)) continue;
          if (!always && kind === 'default' && this.chance(0.5)) continue;
          setOwn(object, field, this.fromSchema(inner, field));
        }
        return object;
      }
      case 'optional':
      case 'default':
      case 'nonoptional':
      case 'readonly':
      case 'catch':
        return this.fromSchema(def.innerType!, key);
      case 'nullable':
        return this.chance(0.1) ? null : this.fromSchema(def.innerType!, key);
      case 'pipe':
        return this.fromSchema(def.in!, key);
      case 'string': {
        const bounds = schema as unknown as { minLength?: number | null; maxLength?: number | null };
        const min = Math.max(1, bounds.minLength ?? 1);
        const max = Math.max(min, Math.min(bounds.maxLength ?? 12, 12));
        let text = '';
        for (let i = this.int(min, max); i > 0; i -= 1) text += this.pick([...'abcdefghijklmnopqrstuvwxyz0123456789']);
        return text;
      }
      case 'number': {
        const bounds = schema as unknown as { minValue?: number | null; maxValue?: number | null; isInt?: boolean };
        const min = Math.max(bounds.minValue ?? -1000, -1_000_000);
        const max = Math.min(bounds.maxValue ?? 1000, Math.max(min, 1000));
        const value = min + this.random() * (max - min);
        return bounds.isInt ? Math.round(value) : value;
      }
      case 'boolean':
        return this.chance(0.5);
      case 'literal':
        return this.pick(def.values ?? [null]);
      case 'enum':
        return this.pick(Object.values(def.entries ?? {}));
      case 'union':
        return this.fromSchema(this.pick(def.options ?? []), key);
      case 'array': {
        const checks = (def.checks ?? []).map((check) => defOf(check as z.ZodType) as { check?: string; minimum?: number; maximum?: number });
        const min = checks.find((check) => check.check === 'min_length')?.minimum ?? 0;
        const max = Math.min(checks.find((check) => check.check === 'max_length')?.maximum ?? 4, 4);
        return Array.from({ length: this.int(min, Math.max(min, max)) }, () => this.fromSchema(def.element!));
      }
      case 'date':
        return new Date(Date.UTC(2020, 0, 1) + this.int(0, 3000) * 86_400_000);
      case 'record':
        return {};
      default:
        return this.junk();
    }
  }

  /**
   * The value with one thing changed somewhere inside: a field replaced with junk, deleted, or a
   * hostile key added beside it. A value with nothing inside is replaced whole.
   */
  mutate(value: unknown): unknown {
    const copy = cloneJson(value);
    const holders: (Record<string, unknown> | unknown[])[] = [];
    const collect = (node: unknown) => {
      if (node && typeof node === 'object') {
        holders.push(node as Record<string, unknown>);
        for (const child of Object.values(node)) collect(child);
      }
    };
    collect(copy);
    if (holders.length === 0) return this.junk();
    const holder = this.pick(holders);
    const keys = Object.keys(holder);
    const roll = this.random();
    if (keys.length === 0 || roll < 0.15) {
      if (Array.isArray(holder)) holder.push(this.junk());
      else setOwn(holder, this.junkKey(), this.junk());
    } else if (roll < 0.3) {
      const key = this.pick(keys);
      if (Array.isArray(holder)) holder.splice(Number(key), 1);
      else delete holder[key];
    } else {
      setOwn(holder as Record<string, unknown>, this.pick(keys), this.junk());
    }
    return copy;
  }
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  values?: unknown[];
  entries?: Record<string, unknown>;
  options?: z.ZodType[];
  element?: z.ZodType;
  checks?: unknown[];
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** Sets an own property, even `__proto__` (plain assignment would change the prototype instead). */
export function setOwn(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function cloneJson(value: unknown): unknown {
  if (value instanceof Date) return new Date(value.getTime());
  if (Array.isArray(value)) return value.map(cloneJson);
  if (value && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) setOwn(copy, key, cloneJson(child));
    return copy;
  }
  return value;
}

function deepArray(depth: number): unknown {
  let value: unknown = [];
  for (let i = 0; i < depth; i += 1) value = [value];
  return value;
}

export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '$date', 'polluted'] as const;
const FIELD_NAMES = ['bookingId', 'limit', 'profile', 'password', 'snapshot', 'direction', 'to', 'reason', 'confirm', 'rules', 'status', 'after', 'id', 'type'];
const HOSTILE_STRINGS = [
  '', ' ', '\u0000', "'; DROP TABLE BOOKING_PLAN; --", '" OR 1=1 --', '`BOOKING_PLAN`', '%s%s%n', '../../../../etc/passwd',
  '<script>alert(1)</script>', '{"__proto__":{"polluted":true}}', 'NaN', 'Infinity', '-1', '1e309', 'null', 'true',
  '\uD800', '\u202E', 'Ω≈ç√', '🙂'.repeat(20), 'a'.repeat(65), 'a'.repeat(1025), '2024-13-45T99:99:99Z', 'waiting', 'up', 'down',
];
