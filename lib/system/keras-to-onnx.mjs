/**
 * A TensorFlow.js layers-format Keras model (topology + weights, as the nsfwjs and esrgan-slim
 * packages ship them) rewritten as an ONNX model, in memory, so onnxruntime's native CPU kernels run
 * the same weights (decision 0032). Nothing is fetched or written.
 *
 * Only the layer kinds Kiln's models use are converted (anything else is refused by name):
 * ZeroPadding2D (folded into the next convolution's pads), Conv2D, DepthwiseConv2D (a grouped Conv),
 * BatchNormalization, ReLU (Clip for ReLU6), Activation, Add, Concatenate (channels), AveragePooling2D,
 * UpSampling2D (nearest), Flatten, Dense (Gemm with its activation), Dropout (nothing at inference).
 * Keras works channels-last; the ONNX graph is channels-first, so the input is [1, C, H, W] (H and W
 * may be left open) and kernels are transposed here.
 *
 * Plain JS so the model and engine threads load it as is (like their workers).
 */
import os from "node:os";
import protobuf from "protobufjs";

/** ONNX's protobuf messages, as much of onnx/onnx.proto (field numbers from there) as a model needs. */
const onnx = protobuf.Root.fromJSON({
  nested: {
    ModelProto: {
      fields: {
        irVersion: { type: "int64", id: 1 },
        producerName: { type: "string", id: 2 },
        graph: { type: "GraphProto", id: 7 },
        opsetImport: { rule: "repeated", type: "OperatorSetIdProto", id: 8 },
      },
    },
    OperatorSetIdProto: { fields: { domain: { type: "string", id: 1 }, version: { type: "int64", id: 2 } } },
    GraphProto: {
      fields: {
        node: { rule: "repeated", type: "NodeProto", id: 1 },
        name: { type: "string", id: 2 },
        initializer: { rule: "repeated", type: "TensorProto", id: 5 },
        input: { rule: "repeated", type: "ValueInfoProto", id: 11 },
        output: { rule: "repeated", type: "ValueInfoProto", id: 12 },
      },
    },
    NodeProto: {
      fields: {
        input: { rule: "repeated", type: "string", id: 1 },
        output: { rule: "repeated", type: "string", id: 2 },
        name: { type: "string", id: 3 },
        opType: { type: "string", id: 4 },
        attribute: { rule: "repeated", type: "AttributeProto", id: 5 },
      },
    },
    AttributeProto: {
      fields: {
        name: { type: "string", id: 1 },
        f: { type: "float", id: 2 },
        i: { type: "int64", id: 3 },
        s: { type: "bytes", id: 4 },
        ints: { rule: "repeated", type: "int64", id: 8 },
        type: { type: "int32", id: 20 },
      },
    },
    TensorProto: {
      fields: {
        dims: { rule: "repeated", type: "int64", id: 1 },
        dataType: { type: "int32", id: 2 },
        name: { type: "string", id: 8 },
        rawData: { type: "bytes", id: 9 },
      },
    },
    ValueInfoProto: { fields: { name: { type: "string", id: 1 }, type: { type: "TypeProto", id: 2 } } },
    TypeProto: { fields: { tensorType: { type: "TypeProtoTensor", id: 1 } } },
    TypeProtoTensor: { fields: { elemType: { type: "int32", id: 1 }, shape: { type: "TensorShapeProto", id: 2 } } },
    TensorShapeProto: { fields: { dim: { rule: "repeated", type: "Dimension", id: 1 } } },
    Dimension: { fields: { dimValue: { type: "int64", id: 1 }, dimParam: { type: "string", id: 2 } } },
  },
});

const FLOAT = 1; // TensorProto.DataType
const ATTR = { FLOAT: 1, INT: 2, STRING: 3, INTS: 7 }; // AttributeProto.AttributeType
const IR_VERSION = 7;
const OPSET = 13;

/** Attributes of one node: numbers that are integers become INT, arrays INTS, strings STRING, { float } FLOAT. */
function attributes(attrs) {
  return Object.entries(attrs).map(([name, value]) => {
    if (Array.isArray(value)) return { name, type: ATTR.INTS, ints: value };
    if (typeof value === "string") return { name, type: ATTR.STRING, s: Buffer.from(value) };
    if (typeof value === "object") return { name, type: ATTR.FLOAT, f: value.float };
    return { name, type: ATTR.INT, i: value };
  });
}

/** A graph input or output; a dimension the model leaves open (null) gets a name instead of a size. */
function valueInfo(name, dims) {
  const dim = dims.map((d, i) => (d == null ? { dimParam: `${name}_${i}` } : { dimValue: d }));
  return { name, type: { tensorType: { elemType: FLOAT, shape: { dim } } } };
}

/**
 * The weights of a TensorFlow.js layers model, by name, as float32: each entry of the manifest takes
 * its bytes in order from the concatenated shards; 8-bit quantised values are q × scale + min (as
 * tfjs-core's decodeWeights does).
 */
export function decodeWeights(manifest, shardBytes) {
  const weights = new Map();
  let offset = 0;
  for (const group of manifest) {
    for (const w of group.weights) {
      const count = w.shape.reduce((a, b) => a * b, 1);
      if (w.dtype !== "float32") throw new Error(`Weight ${w.name}: dtype ${w.dtype} is not supported.`);
      const q = w.quantization;
      const values = new Float32Array(count);
      if (!q) {
        values.set(
          new Float32Array(
            shardBytes.buffer.slice(shardBytes.byteOffset + offset, shardBytes.byteOffset + offset + 4 * count),
          ),
        );
        offset += 4 * count;
      } else if (q.dtype === "uint8" && "min" in q && "scale" in q) {
        for (let i = 0; i < count; i++) values[i] = shardBytes[offset + i] * q.scale + q.min;
        offset += count;
      } else {
        throw new Error(`Weight ${w.name}: quantisation ${JSON.stringify(q)} is not supported.`);
      }
      weights.set(w.name, { shape: w.shape, values });
    }
  }
  if (offset !== shardBytes.length) throw new Error(`The weights use ${offset} of ${shardBytes.length} bytes.`);
  return weights;
}

/**
 * A Keras kernel [kh, kw, a, b] with its spatial axes moved last: entry (y, x, p, q) lands at
 * (channel(p, q), kh, kw), where channel numbers ONNX's leading axes.
 */
function spatialLast({ shape: [kh, kw, a, b], values }, channel) {
  const out = new Float32Array(values.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let p = 0; p < a; p++)
        for (let q = 0; q < b; q++) out[(channel(p, q) * kh + y) * kw + x] = values[((y * kw + x) * a + p) * b + q];
  return out;
}

/** Keras [kh, kw, in, out] → ONNX [out, in, kh, kw]. */
function convKernel(kernel) {
  const [kh, kw, cin, cout] = kernel.shape;
  return { dims: [cout, cin, kh, kw], values: spatialLast(kernel, (i, o) => o * cin + i) };
}

/** Keras depthwise [kh, kw, in, multiplier] → ONNX grouped Conv [in × multiplier, 1, kh, kw] (output channel i × multiplier + m, as TensorFlow orders it). */
function depthwiseKernel(kernel) {
  const [kh, kw, cin, mult] = kernel.shape;
  return { dims: [cin * mult, 1, kh, kw], values: spatialLast(kernel, (i, m) => i * mult + m) };
}

/**
 * The ONNX model (protobuf bytes) of a Keras functional model given as TensorFlow.js's layers-format
 * topology and its decoded weights. Input "input" [1, C, H, W] float32 (the values the Keras model
 * would get, channels first); output "output", the last layer's.
 */
export function kerasToOnnx(topology, weights) {
  if (os.endianness() !== "LE") throw new Error("ONNX raw tensors are little-endian; this machine is not.");
  const config = topology.model_config.config;
  const nodes = [];
  const initializers = [];
  /** Per Keras tensor (layer name): the ONNX value that holds it, its shape [C, H, W] or [units], and pads still to apply [top, left, bottom, right]. */
  const values = new Map();

  const weight = (layer, name) => {
    const w = weights.get(`${layer}/${name}`);
    if (!w) throw new Error(`Layer ${layer}: no weight "${name}".`);
    return w;
  };
  const constant = (name, dims, floats) => {
    initializers.push({
      name,
      dims,
      dataType: FLOAT,
      rawData: Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength),
    });
    return name;
  };
  const node = (opType, name, inputs, attrs = {}) => {
    nodes.push({ opType, name, input: inputs, output: [name], attribute: attributes(attrs) });
    return name;
  };
  const activation = (kind, layer, value) => {
    if (kind === "linear") return value;
    if (kind === "relu") return node("Relu", `${layer}/relu`, [value]);
    if (kind === "softmax") return node("Softmax", `${layer}/softmax`, [value], { axis: -1 });
    if (kind === "sigmoid") return node("Sigmoid", `${layer}/sigmoid`, [value]);
    if (kind === "tanh") return node("Tanh", `${layer}/tanh`, [value]);
    throw new Error(`Layer ${layer}: activation "${kind}" is not supported.`);
  };
  const single = (layer) => {
    const inbound = layer.inbound_nodes;
    if (inbound.length !== 1 || inbound[0].length !== 1) throw new Error(`Layer ${layer.name}: expected one input.`);
    const from = values.get(inbound[0][0][0]);
    if (!from) throw new Error(`Layer ${layer.name}: its input ${inbound[0][0][0]} is not known yet.`);
    return from;
  };
  const convPads = (layer, from, [kh, kw], [sh, sw]) => {
    const c = layer.config;
    if (c.dilation_rate.some((d) => d !== 1)) throw new Error(`Layer ${layer.name}: dilation is not supported.`);
    if (c.data_format !== "channels_last") throw new Error(`Layer ${layer.name}: ${c.data_format} is not supported.`);
    const [, h, w] = from.shape;
    let [top, left, bottom, right] = from.pads;
    if (c.padding === "same") {
      if (top || left || bottom || right)
        throw new Error(`Layer ${layer.name}: "same" after zero padding is not supported.`);
      // TensorFlow's "same": the output is ceil(in / stride); the extra padding goes after. At stride 1
      // it is kernel − 1 whatever the size, so an open size (null) is fine there.
      const samePad = (size, stride, k) => {
        if (stride === 1) return k - 1;
        if (size == null) throw new Error(`Layer ${layer.name}: "same" at stride ${stride} needs a fixed input size.`);
        return Math.max((Math.ceil(size / stride) - 1) * stride + k - size, 0);
      };
      const padH = samePad(h, sh, kh);
      const padW = samePad(w, sw, kw);
      [top, left, bottom, right] = [
        Math.floor(padH / 2),
        Math.floor(padW / 2),
        padH - Math.floor(padH / 2),
        padW - Math.floor(padW / 2),
      ];
    } else if (c.padding !== "valid") throw new Error(`Layer ${layer.name}: padding ${c.padding} is not supported.`);
    const outH = h == null ? null : Math.floor((h + top + bottom - kh) / sh) + 1;
    const outW = w == null ? null : Math.floor((w + left + right - kw) / sw) + 1;
    return { pads: [top, left, bottom, right], outH, outW };
  };
  const unpadded = (layer, from) => {
    if (from.pads.some((p) => p !== 0))
      throw new Error(`Layer ${layer.name}: zero padding before it is not supported.`);
    return from;
  };

  if (config.input_layers.length !== 1 || config.output_layers.length !== 1)
    throw new Error("Expected one input and one output.");
  let inputDims = null;
  for (const layer of config.layers) {
    const c = layer.config;
    const name = layer.name;
    switch (layer.class_name) {
      case "InputLayer": {
        const [, h, w, ch] = c.batch_input_shape;
        inputDims = [1, ch, h, w];
        values.set(name, { value: "input", shape: [ch, h, w], pads: [0, 0, 0, 0] });
        break;
      }
      case "ZeroPadding2D": {
        const from = single(layer);
        const [[t, b], [l, r]] = c.padding;
        const [ch, h, w] = from.shape;
        const [pt, pl, pb, pr] = from.pads;
        values.set(name, { value: from.value, shape: [ch, h, w], pads: [pt + t, pl + l, pb + b, pr + r] });
        break;
      }
      case "Conv2D": {
        const from = single(layer);
        const { pads, outH, outW } = convPads(layer, from, c.kernel_size, c.strides);
        const k = convKernel(weight(name, "kernel"));
        const inputs = [from.value, constant(`${name}/W`, k.dims, k.values)];
        if (c.use_bias) inputs.push(constant(`${name}/B`, [c.filters], weight(name, "bias").values));
        const conv = node("Conv", name, inputs, { kernel_shape: c.kernel_size, strides: c.strides, pads, group: 1 });
        values.set(name, {
          value: activation(c.activation, name, conv),
          shape: [c.filters, outH, outW],
          pads: [0, 0, 0, 0],
        });
        break;
      }
      case "DepthwiseConv2D": {
        const from = single(layer);
        const { pads, outH, outW } = convPads(layer, from, c.kernel_size, c.strides);
        const k = depthwiseKernel(weight(name, "depthwise_kernel"));
        const channels = k.dims[0];
        const inputs = [from.value, constant(`${name}/W`, k.dims, k.values)];
        if (c.use_bias) inputs.push(constant(`${name}/B`, [channels], weight(name, "bias").values));
        const conv = node("Conv", name, inputs, {
          kernel_shape: c.kernel_size,
          strides: c.strides,
          pads,
          group: from.shape[0],
        });
        values.set(name, {
          value: activation(c.activation, name, conv),
          shape: [channels, outH, outW],
          pads: [0, 0, 0, 0],
        });
        break;
      }
      case "BatchNormalization": {
        const from = unpadded(layer, single(layer));
        if (c.axis !== -1 && c.axis !== 3) throw new Error(`Layer ${name}: axis ${c.axis} is not supported.`);
        const n = from.shape[0];
        const gamma = c.scale ? weight(name, "gamma").values : new Float32Array(n).fill(1);
        const beta = c.center ? weight(name, "beta").values : new Float32Array(n);
        const inputs = [
          from.value,
          constant(`${name}/gamma`, [n], gamma),
          constant(`${name}/beta`, [n], beta),
          constant(`${name}/mean`, [n], weight(name, "moving_mean").values),
          constant(`${name}/variance`, [n], weight(name, "moving_variance").values),
        ];
        values.set(name, {
          ...from,
          value: node("BatchNormalization", name, inputs, { epsilon: { float: c.epsilon } }),
        });
        break;
      }
      case "ReLU": {
        const from = unpadded(layer, single(layer));
        if ((c.negative_slope ?? 0) !== 0 || (c.threshold ?? 0) !== 0)
          throw new Error(`Layer ${name}: leaky or thresholded ReLU is not supported.`);
        const value =
          c.max_value == null
            ? node("Relu", name, [from.value])
            : node("Clip", name, [
                from.value,
                constant(`${name}/min`, [], new Float32Array([0])),
                constant(`${name}/max`, [], new Float32Array([c.max_value])),
              ]);
        values.set(name, { ...from, value });
        break;
      }
      case "Add": {
        const inbound = layer.inbound_nodes[0].map(([n]) => unpadded(layer, values.get(n)));
        if (inbound.some((v) => v.shape.join() !== inbound[0].shape.join()))
          throw new Error(`Layer ${name}: shapes differ.`);
        let sum = inbound[0].value;
        for (const [i, v] of inbound.slice(1).entries())
          sum = node("Add", i === inbound.length - 2 ? name : `${name}/${i}`, [sum, v.value]);
        values.set(name, { ...inbound[0], value: sum });
        break;
      }
      case "AveragePooling2D": {
        const from = unpadded(layer, single(layer));
        if (c.padding !== "valid") throw new Error(`Layer ${name}: padding ${c.padding} is not supported.`);
        const [ch, h, w] = from.shape;
        const [ph, pw] = c.pool_size;
        const [sh, sw] = c.strides;
        const value = node("AveragePool", name, [from.value], { kernel_shape: c.pool_size, strides: c.strides });
        values.set(name, {
          value,
          shape: [ch, Math.floor((h - ph) / sh) + 1, Math.floor((w - pw) / sw) + 1],
          pads: [0, 0, 0, 0],
        });
        break;
      }
      case "Flatten": {
        const from = unpadded(layer, single(layer));
        const [ch, h, w] = from.shape;
        // Channels-last and channels-first flatten to the same order only when there is one position.
        if (h !== 1 || w !== 1) throw new Error(`Layer ${name}: flattening a ${h}×${w} map is not supported.`);
        values.set(name, { value: node("Flatten", name, [from.value], { axis: 1 }), shape: [ch], pads: [0, 0, 0, 0] });
        break;
      }
      case "Dense": {
        const from = unpadded(layer, single(layer));
        if (from.shape.length !== 1) throw new Error(`Layer ${name}: its input is not flat.`);
        const kernel = weight(name, "kernel");
        const inputs = [from.value, constant(`${name}/W`, kernel.shape, kernel.values)];
        if (c.use_bias) inputs.push(constant(`${name}/B`, [c.units], weight(name, "bias").values));
        const gemm = node("Gemm", name, inputs);
        values.set(name, { value: activation(c.activation, name, gemm), shape: [c.units], pads: [0, 0, 0, 0] });
        break;
      }
      case "Activation": {
        const from = unpadded(layer, single(layer));
        values.set(name, { ...from, value: activation(c.activation, name, from.value) });
        break;
      }
      case "Concatenate": {
        const inbound = layer.inbound_nodes[0].map(([n]) => unpadded(layer, values.get(n)));
        const rank = inbound[0].shape.length;
        // Keras counts the axis channels-last; only the channel axis is supported (ONNX axis 1).
        if (!((c.axis === -1 || c.axis === rank) && inbound.every((v) => v.shape.length === rank)))
          throw new Error(`Layer ${name}: concatenating along axis ${c.axis} is not supported.`);
        const channels = inbound.reduce((sum, v) => sum + v.shape[0], 0);
        const value = node(
          "Concat",
          name,
          inbound.map((v) => v.value),
          { axis: 1 },
        );
        values.set(name, { value, shape: [channels, ...inbound[0].shape.slice(1)], pads: [0, 0, 0, 0] });
        break;
      }
      case "UpSampling2D": {
        const from = unpadded(layer, single(layer));
        if ((c.interpolation ?? "nearest") !== "nearest")
          throw new Error(`Layer ${name}: ${c.interpolation} upsampling is not supported.`);
        const [ch, h, w] = from.shape;
        const [fh, fw] = c.size;
        // Keras repeats each pixel `size` times: nearest neighbour at source index floor(out ÷ factor).
        const scales = constant(`${name}/scales`, [4], new Float32Array([1, 1, fh, fw]));
        const value = node("Resize", name, [from.value, "", scales], {
          mode: "nearest",
          coordinate_transformation_mode: "asymmetric",
          nearest_mode: "floor",
        });
        const out = [ch, h == null ? null : h * fh, w == null ? null : w * fw];
        values.set(name, { value, shape: out, pads: [0, 0, 0, 0] });
        break;
      }
      case "Dropout":
        values.set(name, single(layer));
        break;
      default:
        throw new Error(`Layer ${name}: ${layer.class_name} is not supported.`);
    }
  }

  const last = values.get(config.output_layers[0][0]);
  if (!inputDims || !last) throw new Error("The model has no input or output.");
  nodes.push({ opType: "Identity", name: "output", input: [last.value], output: ["output"], attribute: [] });
  const Model = onnx.lookupType("ModelProto");
  const model = {
    irVersion: IR_VERSION,
    producerName: "kiln keras-to-onnx",
    opsetImport: [{ domain: "", version: OPSET }],
    graph: {
      name: config.name,
      node: nodes,
      initializer: initializers,
      input: [valueInfo("input", inputDims)],
      output: [valueInfo("output", [1, ...last.shape])],
    },
  };
  return Model.encode(Model.fromObject(model)).finish();
}
