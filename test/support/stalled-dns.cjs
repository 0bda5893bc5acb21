// Preloaded through NODE_OPTIONS=--require (so into a CLI run and into the resolver process it
// starts) to stand for a DNS resolver that never answers:
// lookups of names ending in `.invalid` never call back, and each holds the event loop open, as a
// getaddrinfo blocked in libuv's thread pool does. Other names resolve as usual.
const dns = require('node:dns');

const stalls = (host) => typeof host === 'string' && host.endsWith('.invalid');
const hold = () => setInterval(() => undefined, 60_000);

const lookup = dns.lookup;
dns.lookup = function stalledLookup(host, ...rest) {
  if (!stalls(host)) return lookup.call(this, host, ...rest);
  hold();
  return {};
};

// `require('dns/promises')` and `require('dns').promises` are one object; patched once, both see it.
const promises = require('node:dns/promises');
const promisesLookup = promises.lookup;
promises.lookup = function stalledPromisesLookup(host, ...rest) {
  if (!stalls(host)) return promisesLookup.call(this, host, ...rest);
  hold();
  return new Promise(() => undefined);
};
