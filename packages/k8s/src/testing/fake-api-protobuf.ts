// TEST TOOL — decoding the one protobuf request body the fake API server
// meets: the real helm binary writes its release Secrets with Content-Type
// application/vnd.kubernetes.protobuf. The wire format, as documented in
// https://kubernetes.io/docs/reference/using-api/api-concepts/#protobuf-encoding :
// the 4-byte magic "k8s\0", then a runtime.Unknown message (typeMeta = 1
// {apiVersion = 1, kind = 2}, raw = 2, contentEncoding = 3, contentType = 4)
// whose raw bytes are the object's own message. Field numbers from the
// generated.proto files: core/v1 Secret (metadata = 1, data = 2 map<string,
// bytes>, type = 3, stringData = 4, immutable = 5) and meta/v1 ObjectMeta
// (name = 1, generateName = 2, namespace = 3, resourceVersion = 6, labels =
// 11, annotations = 12, finalizers = 14). Other kinds and fields are refused
// or skipped: the fake answers in JSON, which such clients also accept.
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

interface Field {
  no: number;
  wire: number;
  value: bigint | Buffer;
}

function* fields(buf: Buffer): Generator<Field> {
  let i = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = buf[i++];
      if (b === undefined) throw new Error("truncated varint");
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (i < buf.length) {
    const key = Number(varint());
    const no = key >> 3;
    const wire = key & 7;
    if (wire === 0) yield { no, wire, value: varint() };
    else if (wire === 2) {
      const len = Number(varint());
      yield { no, wire, value: buf.subarray(i, i + len) };
      i += len;
    } else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else throw new Error(`unsupported protobuf wire type ${wire}`);
  }
}

const bytes = (f: Field) => f.value as Buffer;
const text = (f: Field) => bytes(f).toString("utf8");

function mapEntry(buf: Buffer): [string, Buffer] {
  let key = "";
  let value: Buffer = Buffer.alloc(0);
  for (const f of fields(buf)) {
    if (f.no === 1) key = text(f);
    if (f.no === 2) value = bytes(f);
  }
  return [key, value];
}

function objectMeta(buf: Buffer): Record<string, unknown> {
  const meta: Record<string, unknown> = {};
  const labels: Record<string, string> = {};
  const annotations: Record<string, string> = {};
  const finalizers: string[] = [];
  for (const f of fields(buf)) {
    if (f.no === 1) meta.name = text(f);
    else if (f.no === 2) meta.generateName = text(f);
    else if (f.no === 3) meta.namespace = text(f);
    else if (f.no === 6) meta.resourceVersion = text(f);
    else if (f.no === 11) {
      const [k, v] = mapEntry(bytes(f));
      labels[k] = v.toString("utf8");
    } else if (f.no === 12) {
      const [k, v] = mapEntry(bytes(f));
      annotations[k] = v.toString("utf8");
    } else if (f.no === 14) finalizers.push(text(f));
  }
  if (Object.keys(labels).length) meta.labels = labels;
  if (Object.keys(annotations).length) meta.annotations = annotations;
  if (finalizers.length) meta.finalizers = finalizers;
  return meta;
}

function secret(buf: Buffer): Record<string, unknown> {
  const out: Record<string, unknown> = { apiVersion: "v1", kind: "Secret" };
  const data: Record<string, string> = {};
  const stringData: Record<string, string> = {};
  for (const f of fields(buf)) {
    if (f.no === 1) out.metadata = objectMeta(bytes(f));
    else if (f.no === 2) {
      const [k, v] = mapEntry(bytes(f));
      data[k] = v.toString("base64"); // JSON carries bytes as base64
    } else if (f.no === 3) out.type = text(f);
    else if (f.no === 4) {
      const [k, v] = mapEntry(bytes(f));
      stringData[k] = v.toString("utf8");
    } else if (f.no === 5) out.immutable = f.value !== 0n;
  }
  if (Object.keys(data).length) out.data = data;
  if (Object.keys(stringData).length) out.stringData = stringData;
  return out;
}

/** The JSON form of a protobuf-encoded Secret, or an Error naming what it cannot read. */
export function decodeProtobufObject(body: Buffer): Record<string, unknown> | Error {
  if (!body.subarray(0, 4).equals(MAGIC)) return new Error("missing the k8s protobuf magic");
  let apiVersion = "";
  let kind = "";
  let raw: Buffer = Buffer.alloc(0);
  for (const f of fields(body.subarray(4))) {
    if (f.no === 1)
      for (const t of fields(bytes(f))) {
        if (t.no === 1) apiVersion = text(t);
        if (t.no === 2) kind = text(t);
      }
    if (f.no === 2) raw = bytes(f);
  }
  if (apiVersion !== "v1" || kind !== "Secret")
    return new Error(`protobuf bodies of ${apiVersion}/${kind} are not decoded by this fake`);
  return secret(raw);
}
