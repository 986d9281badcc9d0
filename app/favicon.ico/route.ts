/**
 * Browsers ask for /favicon.ico on pages whose icon link they have not seen (a 404 document, for
 * instance) and log the 404 as a console error. Send them to the app's icon (app/icon.svg) instead.
 */
export function GET(request: Request): Response {
  return Response.redirect(new URL("/icon.svg", request.url), 308);
}
