export { actorTeamId, canEditCollection, loadCollection } from "./access";
export { createCollection, deleteCollection, updateCollection, MAX_COLLECTIONS_PER_USER } from "./manage";
export { addToCollection, removeFromCollection, type CollectionChange } from "./membership";
export {
  collectionsForPicker,
  getCollection,
  listCollections,
  type CollectionAssetTile,
  type CollectionCard,
  type CollectionDetail,
} from "./views";
