import type { ImageV1Handlers } from '../../../generated/ts/image/v1/server.ts';
import { orgOf } from '../access.ts';
import type { ServiceDeps } from '../deps.ts';
import { decodeCursor, encodeCursor, pageSize, toPage } from '../paging.ts';
import { createImage, getImageRow, rejectImage } from './commands.ts';
import { openContent, uploadContent } from './content.ts';
import { toImage } from './mapping.ts';
import { imageKey, listImageRows } from './repository.ts';

/** Image API v1: image registration, content upload and download, rejection. */
export function imageV1Handlers(deps: ServiceDeps): ImageV1Handlers {
  return {
    async createImage({ body }, context) {
      return toImage(await createImage(deps, context, body));
    },

    async listImages({ query }, context) {
      const given = { studyId: query.studyId, status: query.status };
      const size = pageSize(query.limit, '/query/limit');
      const after = decodeCursor(query.cursor, 'images', given, ['time', 'text'], '/query/cursor');
      const rows = await listImageRows(deps.db, orgOf(context), given, after, size + 1);
      const page = toPage(rows, size, toImage, imageKey, (key) => encodeCursor('images', given, key));
      return { items: page.items, nextCursor: page.next };
    },

    async getImage({ path }, context) {
      return toImage(await getImageRow(deps, context, path.imageId));
    },

    async uploadImageContent({ path, header, body }, context) {
      return toImage(await uploadContent(deps, context, path.imageId, header['Content-Digest'], body));
    },

    async downloadImageContent({ path }, context) {
      return openContent(deps, context, path.imageId);
    },

    async rejectImage(input, context) {
      return toImage(await rejectImage(deps, context, input));
    },
  };
}
