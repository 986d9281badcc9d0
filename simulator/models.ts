import { hashString } from "./hash";

/**
 * What the simulator "has installed": checkpoints named for Kiln's tiers, labelled as simulated in
 * their titles so an admin picking a model can never mistake them for a real GPU endpoint.
 */
export type SdModel = {
  title: string;
  model_name: string;
  hash: string;
  sha256: string;
  filename: string;
  config: null;
};

function model(name: string): SdModel {
  const sha256 = Array.from({ length: 8 }, (_, i) => hashString(name, i).toString(16).padStart(8, "0")).join("");
  const hash = sha256.slice(0, 10);
  return {
    title: `${name}.safetensors [${hash}] (simulator)`,
    model_name: name,
    hash,
    sha256,
    filename: `/simulator/models/Stable-diffusion/${name}.safetensors`,
    config: null,
  };
}

export const SD_MODELS: readonly SdModel[] = ["kiln-sim-draft-v1", "kiln-sim-support-v1", "kiln-sim-hero-v1"].map(
  model,
);

/** Accepts every alias A1111 accepts for a checkpoint: title, name, file name or hash. */
export function findModel(name: string): SdModel | undefined {
  const wanted = name.trim();
  return SD_MODELS.find(
    (m) =>
      m.title === wanted ||
      m.model_name === wanted ||
      `${m.model_name}.safetensors` === wanted ||
      `${m.model_name}.safetensors [${m.hash}]` === wanted ||
      m.hash === wanted ||
      m.sha256 === wanted ||
      m.filename === wanted,
  );
}

/** A1111's stock sampler names (the sampler changes nothing in a simulated picture). */
export const SAMPLERS = [
  "DPM++ 2M",
  "DPM++ SDE",
  "DPM++ 2M SDE",
  "DPM++ 2M Karras",
  "DPM++ SDE Karras",
  "Euler a",
  "Euler",
  "LMS",
  "Heun",
  "DPM2",
  "DPM2 a",
  "DPM fast",
  "DPM adaptive",
  "DDIM",
  "PLMS",
  "UniPC",
  "LCM",
] as const;
