/**
 * The one place that loads src/host/features.ts: in the bundle this `require` is of dist/features.js (see
 * esbuild.js), so activation reads none of it, and the first command, tool, panel or quick fix that needs it does.
 */
type Features = typeof import('./features');

let loaded: Features | undefined;

export function features(): Features {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the lazily loaded file, see above
  loaded ??= require('./features') as Features;
  return loaded;
}

/**
 * An object made by `create` at the first read of any of its members (so a service can be handed out at activation
 * and its code loaded when it is first used). Members are read from the made object, methods called on it.
 */
export function madeOnFirstUse<T extends object>(create: () => T): T {
  let made: T | undefined;
  const target = () => (made ??= create());
  return new Proxy({} as T, {
    get: (_, name) => {
      const value: unknown = Reflect.get(target(), name);
      return typeof value === 'function' ? value.bind(target()) : value;
    },
    has: (_, name) => Reflect.has(target(), name),
    set: (_, name, value) => Reflect.set(target(), name, value),
  });
}
