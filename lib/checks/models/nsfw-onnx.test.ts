import { createRequire } from "node:module";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareImage } from "../prepare";
import { shutdownModelChecks } from ".";
import { classifyNsfw, NSFW_CLASSES, nsfwInput } from "./nsfw";
import { fixturePhotos } from "./testing";
// @ts-expect-error -- plain-JS worker module (no types): the converter the NSFW thread uses.
import { decodeWeights, kerasToOnnx } from "@/lib/system/keras-to-onnx.mjs";

const requireFromRoot = createRequire(path.join(process.cwd(), "package.json"));
const ort = requireFromRoot("onnxruntime-node") as typeof import("onnxruntime-node");

type Weights = Map<string, { shape: number[]; values: Float32Array }>;

beforeAll(async () => {
  // The reference: TensorFlow.js's plain-JS backend, the arithmetic nsfwjs's model was made for.
  await tf.setBackend("cpu");
  await tf.ready();
});
afterAll(() => shutdownModelChecks());

/** A layers model's topology in the form nsfwjs ships (model_config) and its weights by name. */
function keras(model: tf.LayersModel): { topology: unknown; weights: Weights } {
  const weights: Weights = new Map();
  for (const w of model.weights)
    weights.set(w.originalName, { shape: w.shape as number[], values: w.read().dataSync() as Float32Array });
  return { topology: { model_config: model.toJSON(undefined, false) }, weights };
}

async function runOnnx(
  bytes: Uint8Array,
  nhwc: Float32Array,
  [h, w, c]: [number, number, number],
): Promise<Float32Array> {
  const chw = new Float32Array(nhwc.length);
  for (let i = 0; i < h * w; i++) for (let k = 0; k < c; k++) chw[k * h * w + i] = nhwc[i * c + k]!;
  const session = await ort.InferenceSession.create(bytes);
  const { output } = await session.run({ input: new ort.Tensor("float32", chw, [1, c, h, w]) });
  return output!.data as Float32Array;
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

describe("Keras → ONNX (the NSFW model's converter)", () => {
  it("computes what TensorFlow.js computes, for every layer kind it converts", async () => {
    // Odd sizes and stride 2 with "same" padding (asymmetric in TensorFlow), zero padding folded into
    // a "valid" convolution, a depthwise multiplier of 2, a residual Add, ReLU6 and a softmax head.
    const input = tf.input({ shape: [13, 11, 3] });
    const padded = tf.layers
      .zeroPadding2d({
        padding: [
          [0, 1],
          [1, 0],
        ],
      })
      .apply(input) as tf.SymbolicTensor;
    const conv = tf.layers
      .conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: "valid", useBias: false })
      .apply(padded) as tf.SymbolicTensor;
    const bn = tf.layers.batchNormalization({ epsilon: 0.001 }).apply(conv) as tf.SymbolicTensor;
    const relu6 = tf.layers.reLU({ maxValue: 6 }).apply(bn) as tf.SymbolicTensor;
    const dw = tf.layers
      .depthwiseConv2d({ kernelSize: 3, strides: 2, padding: "same", depthMultiplier: 2, useBias: true })
      .apply(relu6) as tf.SymbolicTensor;
    const side = tf.layers
      .conv2d({ filters: 8, kernelSize: 1, padding: "same", activation: "relu" })
      .apply(dw) as tf.SymbolicTensor;
    const sum = tf.layers.add().apply([dw, side]) as tf.SymbolicTensor;
    const pooled = tf.layers.averagePooling2d({ poolSize: [3, 3], strides: [3, 3] }).apply(sum) as tf.SymbolicTensor;
    const flat = tf.layers.flatten().apply(pooled) as tf.SymbolicTensor;
    const hidden = tf.layers.dense({ units: 6, activation: "relu" }).apply(flat) as tf.SymbolicTensor;
    const dropped = tf.layers.dropout({ rate: 0.5 }).apply(hidden) as tf.SymbolicTensor;
    const output = tf.layers.dense({ units: 5, activation: "softmax" }).apply(dropped) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: output });
    // Batch-norm statistics away from their identity defaults, so a wrong mapping shows.
    const bnLayer = model.layers.find((l) => l.getClassName() === "BatchNormalization")!;
    bnLayer.setWeights(bnLayer.getWeights().map((w, i) => tf.randomUniform(w.shape, i === 3 ? 0.5 : -1, 2)));

    const image = tf.randomUniform([1, 13, 11, 3], 0, 1);
    const expected = (model.predict(image) as tf.Tensor).dataSync();
    const { topology, weights } = keras(model);
    const actual = await runOnnx(kerasToOnnx(topology, weights), image.dataSync() as Float32Array, [13, 11, 3]);
    expect(maxDifference(actual, expected)).toBeLessThan(1e-5);
  });

  it("converts an open-size network (ESRGAN's layer kinds: Activation, Concatenate, UpSampling2D) the same way", async () => {
    const input = tf.input({ shape: [null, null, 3] as unknown as number[] });
    const a = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: "same" }).apply(input) as tf.SymbolicTensor;
    const relu = tf.layers.activation({ activation: "relu" }).apply(a) as tf.SymbolicTensor;
    const b = tf.layers.conv2d({ filters: 2, kernelSize: 5, padding: "same" }).apply(relu) as tf.SymbolicTensor;
    const joined = tf.layers.concatenate({ axis: 3 }).apply([relu, b]) as tf.SymbolicTensor;
    const up = tf.layers.upSampling2d({ size: [2, 3] }).apply(joined) as tf.SymbolicTensor;
    const output = tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: "same" }).apply(up) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: output });
    const { topology, weights } = keras(model);
    const bytes = kerasToOnnx(topology, weights);
    // One model, two sizes: the height and width stay open in the ONNX graph.
    for (const [h, w] of [
      [9, 7],
      [5, 12],
    ] as const) {
      const image = tf.randomUniform([1, h, w, 3], 0, 255);
      const expected = (model.predict(image) as tf.Tensor).transpose([0, 3, 1, 2]).dataSync();
      const actual = await runOnnx(bytes, image.dataSync() as Float32Array, [h, w, 3]);
      expect(actual.length).toBe(3 * h * 2 * w * 3);
      expect(maxDifference(actual, expected)).toBeLessThan(1e-3);
    }
  });

  it("refuses a layer it does not convert, by name", () => {
    const input = tf.input({ shape: [8, 8, 3] });
    const output = tf.layers.maxPooling2d({ poolSize: 2 }).apply(input) as tf.SymbolicTensor;
    const { topology, weights } = keras(tf.model({ inputs: input, outputs: output }));
    expect(() => kerasToOnnx(topology, weights)).toThrow(/MaxPooling2D is not supported/);
  });

  it("dequantises 8-bit weights as q × scale + min and checks the shard's length", () => {
    const manifest = [
      {
        weights: [
          { name: "a/kernel", shape: [2, 2], dtype: "float32", quantization: { dtype: "uint8", min: -1, scale: 0.5 } },
          { name: "b/bias", shape: [1], dtype: "float32" },
        ],
      },
    ];
    const bytes = new Uint8Array([0, 1, 2, 255, ...new Uint8Array(new Float32Array([0.25]).buffer)]);
    const decoded = decodeWeights(manifest, bytes) as Weights;
    expect([...decoded.get("a/kernel")!.values]).toEqual([-1, -0.5, 0, 126.5]);
    expect([...decoded.get("b/bias")!.values]).toEqual([0.25]);
    expect(() => decodeWeights(manifest, bytes.subarray(0, 7))).toThrow();
    expect(() => decodeWeights(manifest, new Uint8Array([...bytes, 0]))).toThrow(/use 8 of 9 bytes/);
  });
});

describe("NSFW model on onnxruntime", { timeout: 120_000 }, () => {
  it("gives nsfwjs's own probabilities for real photographs", async () => {
    const { load } = requireFromRoot("nsfwjs") as typeof import("nsfwjs");
    const info = console.info;
    console.info = () => {}; // nsfwjs announces the model it loads
    const reference = await load("MobileNetV2", { size: 224 }).finally(() => (console.info = info));
    const photos = (await fixturePhotos()).slice(0, 3);
    let largest = 0;
    for (const photo of photos) {
      const pixels = await nsfwInput(await prepareImage(photo.bytes));
      const { probabilities } = await classifyNsfw(pixels);
      const logits = reference.infer(tf.tensor3d(new Int32Array(pixels), [224, 224, 3], "int32"));
      const expected = await logits.data();
      largest = Math.max(
        largest,
        maxDifference(
          NSFW_CLASSES.map((c) => probabilities[c]),
          expected,
        ),
      );
    }
    expect(largest).toBeLessThan(1e-4);
  });
});
