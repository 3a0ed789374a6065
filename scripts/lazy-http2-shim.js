'use strict';
// Stand-in for node:http2 in the AWS SDK chunk (the lazyHttp2 plugin in build.mjs): the SDK's
// node-http-handler requires node:http2 at its top level for NodeHttp2Handler, which the
// helper never uses (ECR, ECR Public and STS go over NodeHttpHandler). Loading the module cost
// ~2-3 ms of a cold get in the executable; this loads it on first use of any of its members.
// The handler's module reads `constants` at its top level (`const { constants } = http2`):
// that member is a stand-in too, which loads the module on first use of a constant.
let http2;
const load = () => {
  http2 ??= require('node:http2');
  return http2;
};

/** A stand-in for `target()`: every use of it is a use of what `target()` returns, but for `own` members. */
const deferred = (target, own = {}) =>
  new Proxy(own, {
    get: (_, key) => (Object.hasOwn(own, key) ? own[key] : target()[key]),
    has: (_, key) => key in target(),
    ownKeys: () => Reflect.ownKeys(target()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(target(), key);
      return descriptor && { ...descriptor, configurable: true };
    },
  });

module.exports = deferred(load, { constants: deferred(() => load().constants) });
