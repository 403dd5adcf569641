import type { Route } from '../http-types.js';
import { downloadFilesRoute } from './download-files.js';
import { listFilesRoute } from './list-files.js';
import { uploadFileRoute } from './upload-file.js';
import { vscodeTokenRoute } from './vscode-token.js';

/** The rest of OpenHands' action-server routes: files to and from the sandbox, and VS Code's token. */
export const openHandsFileRoutes: readonly Route[] = [uploadFileRoute, downloadFilesRoute, listFilesRoute, vscodeTokenRoute];
