/** Reads a model for an optimization tool, lets it edit the model, and writes the result, as quantize() does. */
import { loadBytes, type ModelSource } from '../model-source';
import { readModel } from '../model/reader';
import { writeModel } from '../model/writer';
import { toSpec } from '../quantize/rewrite';
import { ModelEdit } from './model-edit';

export async function editModel(source: ModelSource, edit: (model: ModelEdit) => void): Promise<Uint8Array> {
  const { bytes, mapping } = await loadBytes(source);
  try {
    // The description still views the file (custom options), so the mapping stays open until the new file is written.
    const model = new ModelEdit(toSpec(readModel(bytes)));
    edit(model);
    return writeModel(model.finish());
  } finally {
    mapping.close();
  }
}
