'use strict';
// Stand-in for @smithy/node-http-handler in the AWS SDK chunk (the lazyNodeHttpHandler plugin
// in build.mjs). Every SDK client requires it at its top level for its default request handler,
// and it requires node:http and node:https there: ~4 ms of a cold get in the executable (Bun
// builds node:http, net and streams on first require), where the helper sends its requests with
// fetch instead when no proxy is configured (createRequestHandler in
// src/aws/create-request-handler.ts). `NodeHttpHandler.create(handler)` returns a handler given
// to it, as the real one does; anything else loads the real module.
const { streamCollector } = require('@smithy/core/serde');

let real;
const load = () => {
  real ??= require('@smithy/node-http-handler');
  return real;
};

/** A stand-in for the handler class `name`: made with `new` or `create`, it is the real one. */
const standIn = (name) => {
  function Handler(options) {
    return new (load()[name])(options);
  }
  Handler.create = (instanceOrOptions) =>
    typeof instanceOrOptions?.handle === 'function' ? instanceOrOptions : load()[name].create(instanceOrOptions);
  return Handler;
};

module.exports = {
  NodeHttpHandler: standIn('NodeHttpHandler'),
  NodeHttp2Handler: standIn('NodeHttp2Handler'),
  streamCollector,
  get DEFAULT_REQUEST_TIMEOUT() {
    return load().DEFAULT_REQUEST_TIMEOUT;
  },
};
