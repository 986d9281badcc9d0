export { normaliseTagName, tagListSchema, tagNameSchema, TAG_NAME_MAX } from "./normalise";
export { tagAssets, untagAssets, tagsOfAsset, type TagChange } from "./apply";
export { suggestTags, type TagSuggestion } from "./suggest";
export { createCuratedTag, deleteTag, listTagsForAdmin, renameTag, setTagCurated, type AdminTag } from "./curate";
