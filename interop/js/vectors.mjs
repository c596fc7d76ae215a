// Key and identity vectors from js-libp2p, for the Java interop tests (JsKeyVectorsTest).
//
// Generate mode (default): one JSON object per key on stdout.
//   node vectors.mjs [--key <type>:<hex>]... [--random <n>] [--types secp256k1,ed25519] [--message <hex>]
//   node vectors.mjs --stdin        reads one JSON object:
//       {"keys":[{"type":"secp256k1","privateKey":"<hex>","message":"<hex>"}], "random":2, "message":"<hex>"}
//   <type> is secp256k1 or ed25519. The private key hex is the 32-byte secp256k1 scalar, or the
//   32-byte ed25519 seed (64 bytes seed||public key is accepted too).
//
// Multiaddr mode: node vectors.mjs multiaddr
//   reads multiaddr text lines and prints one line per input:
//   {"index":i,"input":..,"text":<js text>,"hex":<binary form>,"textFromBytes":<text decoded from the binary>}
//   or {"index":i,"input":..,"error":".."} when js rejects the input.
//
// Verify mode: node vectors.mjs verify
//   reads JSON lines {"type":..,"publicKey":"<marshalled hex>","message":"<hex>","signature":"<hex>"}
//   and prints one line per input: {"index":i,"type":..,"ok":true|false[,"error":".."]}.
import './polyfill.mjs'
import { createInterface } from 'node:readline'
import { randomBytes } from 'node:crypto'
import {
  generateKeyPair, generateKeyPairFromSeed, privateKeyFromRaw, privateKeyToProtobuf,
  publicKeyFromProtobuf, publicKeyToProtobuf
} from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'

const TYPES = { secp256k1: 'secp256k1', ed25519: 'Ed25519' }

const hex = (bytes) => Buffer.from(bytes).toString('hex')

function unhex (text, what) {
  if (typeof text !== 'string' || !/^([0-9a-fA-F]{2})*$/.test(text)) {
    throw new Error(`${what} is not hex: ${JSON.stringify(text)}`)
  }
  return new Uint8Array(Buffer.from(text, 'hex'))
}

function jsType (type) {
  const t = TYPES[String(type).toLowerCase()]
  if (t == null) throw new Error(`unknown key type ${JSON.stringify(type)} (secp256k1 or ed25519)`)
  return t
}

/** Builds a js private key from the raw form the Java side uses. */
async function keyFromRaw (type, raw) {
  if (jsType(type) === 'Ed25519') {
    if (raw.length === 32) return generateKeyPairFromSeed('Ed25519', raw)
    if (raw.length === 64) {
      const key = await generateKeyPairFromSeed('Ed25519', raw.subarray(0, 32))
      if (hex(key.raw) !== hex(raw)) throw new Error('ed25519 64-byte key: public half does not match seed')
      return key
    }
    throw new Error(`ed25519 private key must be 32 (seed) or 64 bytes, got ${raw.length}`)
  }
  if (raw.length !== 32) throw new Error(`secp256k1 private key must be 32 bytes, got ${raw.length}`)
  return privateKeyFromRaw(raw)
}

/** The raw private key as the Java side holds it: the secp256k1 scalar or the ed25519 seed. */
const javaRaw = (key) => key.type === 'Ed25519' ? key.raw.subarray(0, 32) : key.raw

async function vector (key, message, source) {
  const peerId = peerIdFromPrivateKey(key)
  const signature = await key.sign(message)
  return {
    type: key.type === 'Ed25519' ? 'ed25519' : 'secp256k1',
    source,
    privateKey: hex(javaRaw(key)),
    jsRawPrivateKey: hex(key.raw),
    marshalledPrivateKey: hex(privateKeyToProtobuf(key)),
    publicKey: hex(key.publicKey.raw),
    marshalledPublicKey: hex(publicKeyToProtobuf(key.publicKey)),
    peerIdBase58: peerId.toString(),
    peerIdCid: peerId.toCID().toString(),
    peerIdBytes: hex(peerId.toMultihash().bytes),
    message: hex(message),
    signature: hex(signature)
  }
}

async function readAll (stream) {
  const chunks = []
  for await (const chunk of stream) chunks.push(chunk)
  return Buffer.concat(chunks).toString('utf8')
}

function parseArgs (argv) {
  const opts = { keys: [], random: 0, types: Object.keys(TYPES), message: null, stdin: false }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`)
      return argv[++i]
    }
    if (a === '--key') {
      const [type, raw] = next().split(':')
      opts.keys.push({ type, privateKey: raw })
    } else if (a === '--random') opts.random = Number.parseInt(next(), 10)
    else if (a === '--types') opts.types = next().split(',')
    else if (a === '--message') opts.message = next()
    else if (a === '--stdin') opts.stdin = true
    else throw new Error(`unknown option ${a}`)
  }
  return opts
}

async function generate (argv) {
  const opts = parseArgs(argv)
  if (opts.stdin) {
    const input = JSON.parse(await readAll(process.stdin))
    opts.keys.push(...(input.keys ?? []))
    if (input.random != null) opts.random = input.random
    if (input.types != null) opts.types = input.types
    if (input.message != null) opts.message = input.message
  }
  if (!Number.isInteger(opts.random) || opts.random < 0 || opts.random > 1000) {
    throw new Error('--random must be an integer in [0, 1000]')
  }
  let n = 0
  const defaultMessage = () => new TextEncoder().encode(`serenity-p2p interop vector ${n}`)
  for (const k of opts.keys) {
    const key = await keyFromRaw(k.type, unhex(k.privateKey, 'privateKey'))
    const msg = k.message != null ? unhex(k.message, 'message') : opts.message != null ? unhex(opts.message, 'message') : defaultMessage()
    console.log(JSON.stringify(await vector(key, msg, 'given')))
    n++
  }
  for (const type of opts.types) {
    for (let i = 0; i < opts.random; i++) {
      const key = await generateKeyPair(jsType(type))
      const msg = opts.message != null ? unhex(opts.message, 'message') : randomBytes(1 + (n * 37) % 200)
      console.log(JSON.stringify(await vector(key, msg, 'generated')))
      n++
    }
  }
}

async function verify () {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })
  let index = 0
  for await (const line of lines) {
    if (line.trim() === '') continue
    const out = { index: index++ }
    try {
      const v = JSON.parse(line)
      out.type = v.type
      const key = publicKeyFromProtobuf(unhex(v.publicKey, 'publicKey'))
      if (key.type !== jsType(v.type)) throw new Error(`public key is ${key.type}, expected ${v.type}`)
      out.ok = (await key.verify(unhex(v.message, 'message'), unhex(v.signature, 'signature'))) === true
    } catch (err) {
      // js throws on signatures it cannot even parse (bad DER): that is a failed verification too.
      out.ok = false
      out.error = String(err?.message ?? err)
    }
    console.log(JSON.stringify(out))
  }
}

async function multiaddrs () {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })
  let index = 0
  for await (const line of lines) {
    if (line.trim() === '') continue
    const out = { index: index++, input: line }
    try {
      const ma = multiaddr(line)
      out.text = ma.toString()
      out.hex = hex(ma.bytes)
      // js keeps some input spellings (a CID /p2p/ value stays a CID); decoding the bytes gives its canonical text.
      out.textFromBytes = multiaddr(ma.bytes).toString()
    } catch (err) {
      out.error = String(err?.message ?? err)
    }
    console.log(JSON.stringify(out))
  }
}

try {
  const argv = process.argv.slice(2)
  if (argv[0] === 'verify') await verify()
  else if (argv[0] === 'multiaddr') await multiaddrs()
  else await generate(argv[0] === 'generate' ? argv.slice(1) : argv)
} catch (err) {
  console.error(`vectors.mjs: ${err?.stack ?? err}`)
  process.exitCode = 1
}
