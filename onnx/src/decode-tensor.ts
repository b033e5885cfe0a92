import { createError } from '@provenant/protocol';
import {
  RepeatedCollector,
  collectFixed,
  collectVarints,
  expectWire,
  markSeen,
  readRepeatedInt64,
  unsupported,
} from './decode-fields.js';
import { assertTensorData } from './tensor-data.js';
import type { OnnxDim, OnnxTensor, OnnxTensorTypeProto, OnnxValueInfo } from './model-types.js';
import { WireType, type WireReader } from './wire-reader.js';

/** Field numbers below are from onnx/onnx.proto (message TensorProto, ValueInfoProto, TypeProto...). */

/** TensorProto.DataLocation.DEFAULT; EXTERNAL (1) would read weights from files the hash does not cover. */
const DATA_LOCATION_DEFAULT = 0;

export function decodeTensor(reader: WireReader): OnnxTensor {
  const seen = new Set<number>();
  const tensor: OnnxTensor = { dataType: 0, dims: [] };
  const floats = new RepeatedCollector<number>();
  const int32s = new RepeatedCollector<number>();
  const int64s = new RepeatedCollector<bigint>();
  const doubles = new RepeatedCollector<number>();
  const uint64s = new RepeatedCollector<bigint>();
  const strings: Uint8Array[] = [];
  let sawFloat = false;
  let sawInt32 = false;
  let sawInt64 = false;
  let sawDouble = false;
  let sawUint64 = false;
  let sawString = false;
  while (!reader.atEnd()) {
    const tag = reader.readTag();
    switch (tag.field) {
      case 1:
        readRepeatedInt64(reader, tag, tensor.dims, 'TensorProto.dims');
        if (tensor.dims.length > reader.budget.limits.maxRank) {
          throw createError('PRV_ERR_ONNX_LIMIT_EXCEEDED', `tensor rank over ${reader.budget.limits.maxRank} at offset ${tag.at}`);
        }
        break;
      case 2:
        expectWire(tag, WireType.VARINT, 'TensorProto.data_type');
        markSeen(seen, tag, 'TensorProto.data_type');
        tensor.dataType = reader.readInt32();
        break;
      case 3:
        unsupported(tag, 'TensorProto.segment (chunked tensors)');
      case 4:
        sawFloat = true;
        collectFixed(reader, tag, floats, 4, 'TensorProto.float_data');
        break;
      case 5:
        sawInt32 = true;
        collectVarints(reader, tag, int32s, (r) => r.readInt32(), 'TensorProto.int32_data');
        break;
      case 6:
        expectWire(tag, WireType.LEN, 'TensorProto.string_data');
        sawString = true;
        reader.chargeScalars(1);
        strings.push(reader.readBytes());
        break;
      case 7:
        sawInt64 = true;
        collectVarints(reader, tag, int64s, (r) => BigInt.asIntN(64, r.readVarintBig()), 'TensorProto.int64_data');
        break;
      case 8:
        expectWire(tag, WireType.LEN, 'TensorProto.name');
        markSeen(seen, tag, 'TensorProto.name');
        tensor.name = reader.readString('TensorProto.name');
        break;
      case 9:
        expectWire(tag, WireType.LEN, 'TensorProto.raw_data');
        markSeen(seen, tag, 'TensorProto.raw_data');
        tensor.rawData = reader.readBytes();
        break;
      case 10:
        sawDouble = true;
        collectFixed(reader, tag, doubles, 8, 'TensorProto.double_data');
        break;
      case 11:
        sawUint64 = true;
        collectVarints(reader, tag, uint64s, (r) => r.readVarintBig(), 'TensorProto.uint64_data');
        break;
      case 13:
        unsupported(tag, 'TensorProto.external_data (weights outside the model bytes)');
      case 14: {
        expectWire(tag, WireType.VARINT, 'TensorProto.data_location');
        markSeen(seen, tag, 'TensorProto.data_location');
        if (reader.readInt32() !== DATA_LOCATION_DEFAULT) unsupported(tag, 'TensorProto.data_location EXTERNAL');
        break;
      }
      default:
        // doc_string (12) and fields newer than this codec: documentation or extensions we do not model.
        reader.skip(tag);
    }
  }
  if (sawFloat) floats.drainInto((tensor.floatData = new Float32Array(floats.length)));
  if (sawInt32) int32s.drainInto((tensor.int32Data = new Int32Array(int32s.length)));
  if (sawString) tensor.stringData = strings;
  if (sawInt64) int64s.drainInto((tensor.int64Data = new BigInt64Array(int64s.length)));
  if (sawDouble) doubles.drainInto((tensor.doubleData = new Float64Array(doubles.length)));
  if (sawUint64) uint64s.drainInto((tensor.uint64Data = new BigUint64Array(uint64s.length)));
  assertTensorData(tensor, `TensorProto ending at offset ${reader.pos}`);
  return tensor;
}

export function decodeValueInfo(reader: WireReader): OnnxValueInfo {
  const seen = new Set<number>();
  let name: string | undefined;
  let type: OnnxTensorTypeProto | undefined;
  while (!reader.atEnd()) {
    const tag = reader.readTag();
    if (tag.field === 1) {
      expectWire(tag, WireType.LEN, 'ValueInfoProto.name');
      markSeen(seen, tag, 'ValueInfoProto.name');
      name = reader.readString('ValueInfoProto.name');
    } else if (tag.field === 2) {
      expectWire(tag, WireType.LEN, 'ValueInfoProto.type');
      markSeen(seen, tag, 'ValueInfoProto.type');
      type = decodeType(reader.readMessage());
    } else {
      reader.skip(tag); // doc_string (3), metadata_props (4)
    }
  }
  // onnx.proto: "This field MUST be present in this version of the IR."
  if (name === undefined) throw createError('PRV_ERR_ONNX_INVALID_MODEL', `ValueInfoProto ending at offset ${reader.pos} has no name`);
  return type === undefined ? { name } : { name, type };
}

function decodeType(reader: WireReader): OnnxTensorTypeProto {
  const seen = new Set<number>();
  let tensorType: OnnxTensorTypeProto | undefined;
  while (!reader.atEnd()) {
    const tag = reader.readTag();
    switch (tag.field) {
      case 1:
        expectWire(tag, WireType.LEN, 'TypeProto.tensor_type');
        markSeen(seen, tag, 'TypeProto.tensor_type');
        tensorType = decodeTensorType(reader.readMessage());
        break;
      case 4:
      case 5:
      case 8:
      case 9:
        unsupported(tag, 'TypeProto other than tensor_type (sequence, map, sparse tensor, optional)');
      default:
        reader.skip(tag); // denotation (6)
    }
  }
  if (tensorType === undefined) throw createError('PRV_ERR_ONNX_UNSUPPORTED', `TypeProto ending at offset ${reader.pos} has no tensor_type`);
  return tensorType;
}

function decodeTensorType(reader: WireReader): OnnxTensorTypeProto {
  const seen = new Set<number>();
  const type: OnnxTensorTypeProto = { elemType: 0 };
  while (!reader.atEnd()) {
    const tag = reader.readTag();
    if (tag.field === 1) {
      expectWire(tag, WireType.VARINT, 'TypeProto.Tensor.elem_type');
      markSeen(seen, tag, 'TypeProto.Tensor.elem_type');
      type.elemType = reader.readInt32();
    } else if (tag.field === 2) {
      expectWire(tag, WireType.LEN, 'TypeProto.Tensor.shape');
      markSeen(seen, tag, 'TypeProto.Tensor.shape');
      type.shape = decodeShape(reader.readMessage());
    } else {
      reader.skip(tag);
    }
  }
  return type;
}

function decodeShape(reader: WireReader): OnnxDim[] {
  const dims: OnnxDim[] = [];
  while (!reader.atEnd()) {
    const tag = reader.readTag();
    if (tag.field !== 1) {
      reader.skip(tag);
      continue;
    }
    expectWire(tag, WireType.LEN, 'TensorShapeProto.dim');
    if (dims.length >= reader.budget.limits.maxRank) {
      throw createError('PRV_ERR_ONNX_LIMIT_EXCEEDED', `shape rank over ${reader.budget.limits.maxRank} at offset ${tag.at}`);
    }
    dims.push(decodeDim(reader.readMessage()));
  }
  return dims;
}

function decodeDim(reader: WireReader): OnnxDim {
  const dim: OnnxDim = {};
  while (!reader.atEnd()) {
    const tag = reader.readTag();
    if (tag.field === 1 || tag.field === 2) {
      // oneof value { dim_value = 1; dim_param = 2; }: two members set is not a valid oneof.
      if (dim.dimValue !== undefined || dim.dimParam !== undefined) {
        throw createError('PRV_ERR_ONNX_MALFORMED', `Dimension sets its oneof twice at offset ${tag.at}`);
      }
      if (tag.field === 1) {
        expectWire(tag, WireType.VARINT, 'Dimension.dim_value');
        dim.dimValue = reader.readInt64Number('Dimension.dim_value');
      } else {
        expectWire(tag, WireType.LEN, 'Dimension.dim_param');
        dim.dimParam = reader.readString('Dimension.dim_param');
      }
    } else {
      reader.skip(tag); // denotation (3)
    }
  }
  return dim;
}
