// Node 20 lacks Promise.withResolvers (added in Node 22), which libp2p 3 and its
// dependencies call. Import this module first, before anything from libp2p, or the
// first call fails deep inside a stream with an unhelpful TypeError.
if (typeof Promise.withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers () {
      let resolve
      let reject
      const promise = new this((res, rej) => {
        resolve = res
        reject = rej
      })
      return { promise, resolve, reject }
    }
  })
}
