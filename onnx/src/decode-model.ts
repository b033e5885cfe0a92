import { createError } from '@provenant/protocol';
import { expectWire, markSeen, readRepeatedFloat, readRepeatedInt64, unsupported } from './decode-fields.js';
import { decodeTensor, decodeValueInfo } from './decode-tensor.js';
import { assertAttributeShape } from './attribute-check.js';
import { DEFAULT_ONNX_DECODE_LIMITS, type OnnxDecodeLimits } from './onnx-limits.js';
import type { AttributeTypeValue, OnnxAttribute, OnnxGraph, OnnxModel, OnnxNode, OnnxOpsetId, OnnxStringEntry } from './model-types.js';
import { WireReader, WireType } from './wire-reader.js';

/**
 * Decodes ModelProto bytes (onnx/onnx.proto) into plain data, treating them as hostile.
 *
 * Unknown choice, documented: fields this codec does not model are skipped, not preserved, when they
 * cannot change what the graph computes (doc strings, annotations, denotations, newer metadata).
 * Fields that would change it (external data, sparse initializers, segments, local functions,
 * training info, non-tensor types) are refused with PRV_ERR_ONNX_UNSUPPORTED, so a decode followed by
 * an encode never silently alters the computation. Re-encoding yields this codec's canonical form
 * of what it understood; the model's identity is the sha256 of the original bytes, never of that form.
 */

export interface OnnxDecodeOptions extends Partial<OnnxDecodeLimits> {}

export function decodeModel(bytes: Uint8Array, options: OnnxDecodeOptions = {}): OnnxModel {
  if (!(bytes instanceof Uint8Array)) throw createError('PRV_ERR_INVALID_ARGUMENT', 'model bytes must be a Uint8Array');
  const limits = resolveLimits(options);
  if (bytes.length > limits.maxBytes) {
    throw createError('PRV_ERR_ONNX_TOO_LARGE', `${bytes.length} bytes, limit ${limits.maxBytes}`);
  }
  const reader = new WireReader(bytes, 0, bytes.length, 0, { limits, messages: 0, repeatedScalars: 0 });
  return decodeModelMessage(reader);
}

function resolveLimits(options: OnnxDecodeOptions): OnnxDecodeLimits {
  if (typeof options !== 'object' || options === null) throw createError('PRV_ERR_INVALID_ARGUMENT', 'decode options must be an object');
  const limits: Record<string, number> = { ...DEFAULT_ONNX_DECODE_LIMITS };
  for (const [key, value] of Object.entries(options)) {
    const ceiling = (DEFAULT_ONNX_DECODE_LIMITS as unknown as Record<string, number>)[key];
    if (ceiling === undefined) throw createError('PRV_ERR_INVALID_ARGUMENT', `unknown decode option ${JSON.stringify(key)}`);
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > ceiling) {
      throw createError('PRV_ERR_OUT_OF_RANGE', `decode option ${key} must be an integer in [1, ${ceiling}]`);
    }
    limits[key] = value;
  }
  return limits as unknown as OnnxDecodeLimits;
}

function decodeModelMessage(reader: WireReader): OnnxModel {
  const seen = new Set<number>();
  const opsetImport: OnnxOpsetId[] = [];
  const metadataProps: OnnxStringEntry[] = [];
  let irVersion: number | undefined;
  let graph: OnnxGraph | undefined;
  const model: Partial<OnnxModel> = {};
  while (!reader.atEnd()) {
    const tag = reader.readTag();
    switch (tag.field) {
      case 1:
        expectWire(tag, WireType.VARINT, 'ModelProto.ir_version');
        markSeen(seen, tag, 'ModelProto.ir_version');
        irVersion = reader.readInt64Number('ModelProto.ir_version');
        break;
      case 2:
        expectWire(tag, WireType.LEN, 'ModelProto.producer_name');
        markSeen(seen, tag, 'ModelProto.producer_name');
        model.producerName = reader.readString('ModelProto.producer_name');
        break;
      case 3:
        expectWire(tag, WireType.LEN, 'ModelProto.producer_version');
        markSeen(seen, tag, 'ModelProto.producer_version');
        model.producerVersion = reader.readString('ModelProto.producer_version');
        break;
      case 4:
        expectWire(tag, WireType.LEN, 'ModelProto.domain');
        markSeen(seen, tag, 'ModelProto.domain');
        model.domain = reader.readString('ModelProto.domain');
        break;
      case 5:
        expectWire(tag, WireType.VARINT, 'ModelProto.model_version');
        markSeen(seen, tag, 'ModelProto.model_version');
        model.modelVersion = reader.readInt64Number('ModelProto.model_version');
        break;
      case 7:
        expectWire(tag, WireType.LEN, 'ModelProto.graph');
        markSeen(seen, tag, 'ModelProto.graph');
        graph = decodeGraph(reader.readMessage());
        break;
      case 8:
        expectWire(tag, WireType.LEN, 'ModelProto.opset_import');
        opsetImport.push(decodeOpset(reader.readMessage()));
        break;
      case 14:
        expectWire(tag, WireType.LEN, 'ModelProto.metadata_props');
        metadataProps.push(decodeStringEntry(reader.readMessage()));
        break;
      case 20:
        unsupported(tag, 'ModelProto.training_info');
      case 25:
        unsupported(tag, 'ModelProto.functions (model-local functions)');
      default:
        reader.skip(tag); // doc_string (6), global_mutable_initializer_name (30), newer fields
    }
  }
  // onnx.proto: ir_version "MUST be present"; a model without a graph computes nothing.
  if (irVersion === undefined) throw createError('PRV_ERR_ONNX_INVALID_MODEL', 'ModelProto has no ir_version');
  if (graph === undefined) throw createError('PRV_ERR_ONNX_INVALID_MODEL', 'ModelProto has no graph');
  return { irVersion, opsetImport, ...model, graph, metadataProps };
}

function decodeOpset(reader: WireReader): OnnxOpsetId {
  const seen = new Set<number>();
  let domain: string | undefined;
  let version: number | undefined;
  while (!reader.atEnd()) {
    const tag = reader.readTag();
    if (tag.field === 1) {
      expectWire(tag, WireType.LEN, 'OperatorSetIdProto.domain');
      markSeen(seen, tag, 'OperatorSetIdProto.domain');
      domain = reader.readString('OperatorSetIdProto.domain');
    } else if (tag.field === 2) {
      expectWire(tag, WireType.VARINT, 'OperatorSetIdProto.version');
      markSeen(seen, tag, 'OperatorSetIdProto.version');
      version = reader.readInt64Number('OperatorSetIdProto.version');
    } else {
      reader.skip(tag);
    }
  }
  if (version === undefined) throw createError('PRV_ERR_ONNX_INVALID_MODEL', 'OperatorSetIdProto has no version');
  return domain === undefined ? { version } : { domain, version };
}

function decodeStringEntry(reader: WireReader): OnnxStringEntry {
  const seen = new Set<number>();
  const entry: OnnxStringEntry = { key: '', value: '' };
  while (!reader.atEnd()) {
    const tag = reader.readTag();
    if (tag.field === 1 || tag.field === 2) {
      const what = tag.field === 1 ? 'StringStringEntryProto.key' : 'StringStringEntryProto.value';
      expectWire(tag, WireType.LEN, what);
      markSeen(seen, tag, what);
      entry[tag.field === 1 ? 'key' : 'value'] = reader.readString(what);
    } else {
      reader.skip(tag);
    }
  }
  return entry;
}

function decodeGraph(reader: WireReader): OnnxGraph {
  const seen = new Set<number>();
  const graph: OnnxGraph = { nodes: [], initializers: [], inputs: [], outputs: [], valueInfo: [] };
  while (!reader.atEnd()) {
    const tag = reader.readTag();
    switch (tag.field) {
      case 1:
        expectWire(tag, WireType.LEN, 'GraphProto.node');
        graph.nodes.push(decodeNode(reader.readMessage()));
        break;
      case 2:
        expectWire(tag, WireType.LEN, 'GraphProto.name');
        markSeen(seen, tag, 'GraphProto.name');
        graph.name = reader.readString('GraphProto.name');
        break;
      case 5:
        expectWire(tag, WireType.LEN, 'GraphProto.initializer');
        graph.initializers.push(decodeTensor(reader.readMessage()));
        break;
      case 11:
      case 12:
      case 13: {
        const what = tag.field === 11 ? 'GraphProto.input' : tag.field === 12 ? 'GraphProto.output' : 'GraphProto.value_info';
        expectWire(tag, WireType.LEN, what);
        const info = decodeValueInfo(reader.readMessage());
        (tag.field === 11 ? graph.inputs : tag.field === 12 ? graph.outputs : graph.valueInfo).push(info);
        break;
      }
      case 15:
        unsupported(tag, 'GraphProto.sparse_initializer');
      default:
        reader.skip(tag); // doc_string (10), quantization_annotation (14), metadata_props (16)
    }
  }
  return graph;
}

function decodeNode(reader: WireReader): OnnxNode {
  const seen = new Set<number>();
  const node: OnnxNode = { inputs: [], outputs: [], opType: '', attributes: [] };
  let sawOpType = false;
  while (!reader.atEnd()) {
    const tag = reader.readTag();
    switch (tag.field) {
      case 1:
      case 2: {
        const what = tag.field === 1 ? 'NodeProto.input' : 'NodeProto.output';
        expectWire(tag, WireType.LEN, what);
        reader.chargeScalars(1);
        (tag.field === 1 ? node.inputs : node.outputs).push(reader.readString(what));
        break;
      }
      case 3:
        expectWire(tag, WireType.LEN, 'NodeProto.name');
        markSeen(seen, tag, 'NodeProto.name');
        node.name = reader.readString('NodeProto.name');
        break;
      case 4:
        expectWire(tag, WireType.LEN, 'NodeProto.op_type');
        markSeen(seen, tag, 'NodeProto.op_type');
        node.opType = reader.readString('NodeProto.op_type');
        sawOpType = true;
        break;
      case 5:
        expectWire(tag, WireType.LEN, 'NodeProto.attribute');
        node.attributes.push(decodeAttribute(reader.readMessage()));
        break;
      case 7:
        expectWire(tag, WireType.LEN, 'NodeProto.domain');
        markSeen(seen, tag, 'NodeProto.domain');
        node.domain = reader.readString('NodeProto.domain');
        break;
      default:
        reader.skip(tag); // doc_string (6), overload (8, only meaningful with local functions), metadata_props (9)
    }
  }
  if (!sawOpType) throw createError('PRV_ERR_ONNX_INVALID_MODEL', `NodeProto ending at offset ${reader.pos} has no op_type`);
  return node;
}

function decodeAttribute(reader: WireReader): OnnxAttribute {
  const seen = new Set<number>();
  const attribute: Partial<OnnxAttribute> = {};
  const repeated = <K extends 'floats' | 'ints' | 'strings' | 'tensors' | 'graphs'>(key: K): NonNullable<OnnxAttribute[K]> =>
    (attribute[key] ??= [] as never) as NonNullable<OnnxAttribute[K]>;
  while (!reader.atEnd()) {
    const tag = reader.readTag();
    const single = (wire: number, what: string): void => {
      expectWire(tag, wire, what);
      markSeen(seen, tag, what);
    };
    switch (tag.field) {
      case 1:
        single(WireType.LEN, 'AttributeProto.name');
        attribute.name = reader.readString('AttributeProto.name');
        break;
      case 2:
        single(WireType.I32, 'AttributeProto.f');
        attribute.f = reader.readFloat32();
        break;
      case 3:
        single(WireType.VARINT, 'AttributeProto.i');
        attribute.i = reader.readInt64Number('AttributeProto.i');
        break;
      case 4:
        single(WireType.LEN, 'AttributeProto.s');
        attribute.s = reader.readBytes();
        break;
      case 5:
        single(WireType.LEN, 'AttributeProto.t');
        attribute.t = decodeTensor(reader.readMessage());
        break;
      case 6:
        single(WireType.LEN, 'AttributeProto.g');
        attribute.g = decodeGraph(reader.readMessage());
        break;
      case 7:
        readRepeatedFloat(reader, tag, repeated('floats'), 'AttributeProto.floats');
        break;
      case 8:
        readRepeatedInt64(reader, tag, repeated('ints'), 'AttributeProto.ints');
        break;
      case 9:
        expectWire(tag, WireType.LEN, 'AttributeProto.strings');
        reader.chargeScalars(1);
        repeated('strings').push(reader.readBytes());
        break;
      case 10:
        expectWire(tag, WireType.LEN, 'AttributeProto.tensors');
        repeated('tensors').push(decodeTensor(reader.readMessage()));
        break;
      case 11:
        expectWire(tag, WireType.LEN, 'AttributeProto.graphs');
        repeated('graphs').push(decodeGraph(reader.readMessage()));
        break;
      case 20:
        single(WireType.VARINT, 'AttributeProto.type');
        attribute.type = reader.readInt32() as AttributeTypeValue;
        break;
      case 14:
      case 15:
      case 21:
      case 22:
      case 23:
        unsupported(tag, 'AttributeProto type protos, sparse tensors or ref_attr_name');
      default:
        reader.skip(tag); // doc_string (13)
    }
  }
  return assertAttributeShape(attribute, `AttributeProto ending at offset ${reader.pos}`);
}
