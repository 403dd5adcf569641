import { describeFsError, FileError } from './errors.js';

/**
 * The editor's answer as OpenHands' server turns it into text: the output, or
 * "ERROR:\n" and the message when the editor raised (oh_aci's ToolError).
 */
export async function editorText(body: () => Promise<string>): Promise<string> {
  try {
    return await body();
  } catch (error) {
    const message = error instanceof FileError ? error.message : describeFsError(error, '');
    return `ERROR:\n${message}`;
  }
}
