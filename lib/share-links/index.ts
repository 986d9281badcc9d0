export {
  createShareLink,
  linkState,
  listShareLinks,
  revokeShareLink,
  shareUrl,
  type ShareLinkState,
  type ShareLinkView,
} from "./manage";
export {
  isShareOpen,
  issueShareGrant,
  resolveShareLink,
  SHARE_GRANT_COOKIE,
  unlockShareLink,
  type UnlockResult,
} from "./access";
export {
  recordShareView,
  shareDownloadResponse,
  sharedContent,
  shareImageResponse,
  type SharedAsset,
  type SharedContent,
} from "./content";
export { SHARE_EXPIRY_CHOICES, SHARE_MAX_DAYS, SHARE_PASSWORD_MIN } from "./schema";
export { hashShareToken, isShareTokenShape, newShareToken } from "./token";
export { shareDownloadForVisitor, shareImageForVisitor, visitShareLink } from "./visit";
