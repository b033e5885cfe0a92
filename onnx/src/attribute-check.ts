import { createError } from '@provenant/protocol';
import { AttributeType, type OnnxAttribute } from './model-types.js';

/** Which value field each AttributeProto.type uses (onnx.proto: "Exactly ONE of the following fields"). */
const FIELD_FOR_TYPE = new Map<number, keyof OnnxAttribute>([
  [AttributeType.FLOAT, 'f'],
  [AttributeType.INT, 'i'],
  [AttributeType.STRING, 's'],
  [AttributeType.TENSOR, 't'],
  [AttributeType.GRAPH, 'g'],
  [AttributeType.FLOATS, 'floats'],
  [AttributeType.INTS, 'ints'],
  [AttributeType.STRINGS, 'strings'],
  [AttributeType.TENSORS, 'tensors'],
  [AttributeType.GRAPHS, 'graphs'],
]);
const REPEATED_TYPES = new Set<number>([
  AttributeType.FLOATS,
  AttributeType.INTS,
  AttributeType.STRINGS,
  AttributeType.TENSORS,
  AttributeType.GRAPHS,
]);
const VALUE_FIELDS = [...FIELD_FOR_TYPE.values()];

/**
 * IR version >= 2 requires `type` and a value in the matching field only. An empty repeated list is
 * absent on the wire, so the decoder fills it in; a stray second value field is refused, since
 * runtimes disagree on which one wins.
 */
export function assertAttributeShape(attribute: Partial<OnnxAttribute>, where: string): OnnxAttribute {
  if (typeof attribute.name !== 'string' || attribute.name.length === 0) {
    throw createError('PRV_ERR_ONNX_INVALID_MODEL', `${where}: attribute has no name`);
  }
  const field = attribute.type === undefined ? undefined : FIELD_FOR_TYPE.get(attribute.type);
  if (field === undefined) {
    throw createError('PRV_ERR_ONNX_INVALID_MODEL', `${where}: attribute ${attribute.name} has missing or unsupported type ${String(attribute.type)}`);
  }
  for (const other of VALUE_FIELDS) {
    if (other !== field && attribute[other] !== undefined) {
      throw createError('PRV_ERR_ONNX_INVALID_MODEL', `${where}: attribute ${attribute.name} of type ${attribute.type} also sets ${other}`);
    }
  }
  if (attribute[field] === undefined) {
    if (!REPEATED_TYPES.has(attribute.type!)) {
      throw createError('PRV_ERR_ONNX_INVALID_MODEL', `${where}: attribute ${attribute.name} of type ${attribute.type} has no ${field}`);
    }
    (attribute as Record<string, unknown>)[field] = [];
  }
  return attribute as OnnxAttribute;
}
