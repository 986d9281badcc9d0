import type { TemplateDefinition } from "./types";

export type AspectRatio = { width: number; height: number; label: string };

export type SeedTemplate = {
  /** Stable key so seeding is idempotent (the DB row is found by it, never duplicated). */
  slug: string;
  name: string;
  description: string;
  definition: TemplateDefinition;
  /** Aspect ratios the Generate form pre-selects. */
  defaultAspectRatios: AspectRatio[];
  /** Per-option aspect suggestions for one enum variable (the social template's platform). */
  aspectHints?: { variable: string; byOption: Record<string, AspectRatio[]> };
  /** Header row of a CSV that maps onto the template by name, for the upload page's "download example". */
  exampleCsv?: string;
};

const SQUARE: AspectRatio = { width: 1024, height: 1024, label: "1:1" };
const PORTRAIT_4_5: AspectRatio = { width: 896, height: 1120, label: "4:5" };
const STORY_9_16: AspectRatio = { width: 768, height: 1344, label: "9:16" };
const LANDSCAPE_16_9: AspectRatio = { width: 1344, height: 768, label: "16:9" };
const LINK_1_91: AspectRatio = { width: 1216, height: 640, label: "1.91:1" };

// Product shots: the seeds' "{product_type} product photos from a CSV, studio photography style".
const productPhoto: SeedTemplate = {
  slug: "ecommerce-product-photo",
  name: "E-commerce product photo",
  description:
    "One studio product photo per CSV row (product name, material, colour), on a chosen background and angle.",
  definition: {
    body: "professional product photo of {{product_name}}, [[made of {{material}}, ]]{{colour}}, {{angle}} view, on a {{background}} background, {{details}}",
    styleTokens:
      "studio lighting, softbox, sharp focus, high detail, commercial e-commerce photography, true-to-life colours, centered composition",
    negativePrompt:
      "text, watermark, logo, label text, blurry, out of focus, low quality, jpeg artifacts, deformed, duplicate, cropped, hands, people, cluttered background",
    variables: [
      { type: "text", name: "product_name", label: "Product name", maxLength: 120, required: true },
      { type: "text", name: "material", label: "Material", maxLength: 60, required: false },
      { type: "text", name: "colour", label: "Colour", maxLength: 40, required: false },
      {
        type: "enum",
        name: "background",
        label: "Background",
        options: ["white", "light grey", "pastel", "lifestyle kitchen", "lifestyle living room", "outdoor"],
        required: true,
        default: "white",
      },
      {
        type: "enum",
        name: "angle",
        label: "Angle",
        options: ["front", "three-quarter", "side", "top-down", "close-up detail"],
        required: true,
        default: "three-quarter",
      },
      { type: "text", name: "details", label: "Extra details", maxLength: 200, required: false },
    ],
    // "Ceramic coffee mug MUG-001": the product and its SKU (a CSV column carried as metadata).
    titlePattern: "{{product_name}} {{sku}}",
  },
  defaultAspectRatios: [SQUARE, PORTRAIT_4_5],
  exampleCsv:
    "sku,category,product_name,material,colour,background,angle,details\nMUG-001,Kitchen,Ceramic coffee mug,stoneware,matte sage green,white,three-quarter,steam rising\nKLN-0042,Footwear,Trail shoe,mesh and rubber,slate blue,white,side,",
};

// Game assets: the seeds' "base prompt for {asset_type}, many variations with different seeds".
const gameAsset: SeedTemplate = {
  slug: "game-asset-variations",
  name: "Game asset variations",
  description:
    "Variations of one game asset (item, character, environment prop...) in a fixed art style; use variants per row for seeds.",
  definition: {
    body: "{{style}} game {{asset_type}}: {{subject}}, {{theme}} theme, {{palette}} colour palette, isolated asset, {{view}}",
    styleTokens:
      "game art, clean silhouette, consistent lighting from top-left, readable at small size, professional concept art",
    negativePrompt:
      "text, watermark, signature, ui elements, frame, border, blurry, low quality, jpeg artifacts, cropped, multiple objects, photo, realistic skin",
    variables: [
      {
        type: "enum",
        name: "asset_type",
        label: "Asset type",
        options: ["item icon", "weapon", "character", "creature", "environment prop", "tile", "building"],
        required: true,
      },
      { type: "text", name: "subject", label: "Subject", maxLength: 120, required: true },
      { type: "text", name: "theme", label: "Theme", maxLength: 60, required: true, default: "fantasy" },
      {
        type: "enum",
        name: "style",
        label: "Art style",
        options: ["pixel art", "hand-painted", "low-poly 3D render", "cel-shaded", "flat vector"],
        required: true,
        default: "hand-painted",
      },
      { type: "text", name: "palette", label: "Palette", maxLength: 60, required: false },
      {
        type: "enum",
        name: "view",
        label: "View",
        options: ["front view", "isometric view", "side view", "top-down view"],
        required: true,
        default: "isometric view",
      },
    ],
    titlePattern: "{{subject}} ({{asset_type}})",
  },
  defaultAspectRatios: [SQUARE],
  exampleCsv: "asset_type,subject,theme,style,palette\nweapon,ornate longsword,fantasy,hand-painted,gold and crimson",
};

// Social posts: the seeds' "prompt templates for {platform}, batch-optimised for platform-specific dimensions".
const socialPost: SeedTemplate = {
  slug: "social-post-per-platform",
  name: "Social post per platform",
  description: "An on-brand image for a social post; the platform picks composition and suggested aspect ratios.",
  definition: {
    body: "social media image for {{platform}} illustrating {{message}}, {{mood}} mood, {{subject}}, composition with clear space for a headline",
    styleTokens: "on-brand, modern editorial photography, vibrant but natural colours, clean composition, high quality",
    negativePrompt:
      "text, letters, words, watermark, logo, blurry, low quality, jpeg artifacts, deformed, extra fingers, cluttered, busy background",
    variables: [
      {
        type: "enum",
        name: "platform",
        label: "Platform",
        options: ["instagram feed", "instagram story", "tiktok", "linkedin", "x", "facebook"],
        required: true,
      },
      { type: "text", name: "message", label: "Message / theme", maxLength: 200, required: true },
      {
        type: "enum",
        name: "mood",
        label: "Mood",
        options: ["upbeat", "calm", "professional", "playful", "bold", "warm"],
        required: true,
        default: "upbeat",
      },
      { type: "text", name: "subject", label: "Main subject", maxLength: 120, required: false },
    ],
    titlePattern: "{{platform}}: {{message}}",
  },
  defaultAspectRatios: [SQUARE],
  aspectHints: {
    variable: "platform",
    byOption: {
      "instagram feed": [PORTRAIT_4_5, SQUARE],
      "instagram story": [STORY_9_16],
      tiktok: [STORY_9_16],
      linkedin: [LINK_1_91, SQUARE],
      x: [LANDSCAPE_16_9],
      facebook: [LINK_1_91, PORTRAIT_4_5],
    },
  },
  exampleCsv: "platform,message,mood,subject\nlinkedin,We are hiring engineers,professional,a bright open-plan office",
};

export const SEED_TEMPLATES: readonly SeedTemplate[] = [productPhoto, gameAsset, socialPost];
